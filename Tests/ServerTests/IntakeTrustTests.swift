import BatonTestSupport
import Foundation
import Orchestrator
import Synchronization
import Testing

@testable import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What `POST /v1/events` trusts a producer with, on a real server on loopback: an idempotency key
/// is the producer's own and bound to its body, a signature is good once (across restarts), and a
/// case is named only with its token.
@Suite(.serialized)
struct IntakeTrustTests {
    /// Monday 2 March 2026, 16:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_772_467_200)
    static let token = "t0ken"
    static let secret = "s3cret"

    /// The store's clock, moved by the tests.
    final class MovableClock: Sendable {
        let now = Mutex(IntakeTrustTests.start)
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
        var read: @Sendable () -> Date { { self.now.withLock { $0 } } }
    }

    /// A data folder, removed when the test's body ends.
    static func withFolder(_ body: (String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-trust-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await body(folder)
    }

    /// An intake on a store opened on `folder`; stopped when the test's body ends.
    static func withIntake(
        _ folder: String, clock: MovableClock = MovableClock(), _ body: (URL, RuntimeStore) async throws -> Void
    ) async throws {
        let store = try RuntimeStore(folder: folder, clock: clock.read)
        let settings = IntakeSettings(
            port: 0, token: token, hmacSecret: secret, acceptedTypes: ["lead.received", "inquiry.received"])
        let port = Mutex(0)
        let app = IntakeServer(store: store, settings: settings, dashboard: false).application { running in
            port.withLock { $0 = running }
        }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await body(URL(string: "http://127.0.0.1:\(port.withLock { $0 })")!, store)
    }

    /// Who sends: the bearer token, or a signature made at `clock`'s time minus `age` seconds.
    enum Producer: Hashable, CustomStringConvertible {
        case bearer
        case signed(age: Int)

        var description: String {
            switch self {
            case .bearer: return "bearer"
            case .signed: return "signed"
            }
        }
    }

    /// The status and the JSON answer (the intake answers with strings only).
    struct Answer: Sendable {
        let status: Int
        let json: [String: String]
        var event: Int64? { json["event"].flatMap { Int64($0) } }
        var caseID: String? { json["case"] }
        var error: String { json["error"] ?? "" }
    }

    static func post(
        _ base: URL, _ body: String, as producer: Producer = .bearer, key: String? = nil, at now: Date = start,
        signature: String? = nil
    ) async throws -> Answer {
        var request = URLRequest(url: base.appendingPathComponent("v1/events"))
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        switch producer {
        case .bearer:
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        case .signed(let age):
            let stamp = String(Int(now.timeIntervalSince1970) - age)
            let header =
                signature
                ?? "t=\(stamp),v1=\(IntakeServer.signature(secret: secret, timestamp: stamp, body: Data(body.utf8)))"
            request.setValue(header, forHTTPHeaderField: "X-Baton-Signature")
        }
        if let key { request.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Answer(status: (response as! HTTPURLResponse).statusCode, json: json.compactMapValues { $0 as? String })
    }

    static let dana = #"{"type": "lead.received", "payload": {"name": "Dana", "email": "dana@example.com"}}"#
    static let mallory = #"{"type": "lead.received", "payload": {"name": "Dana", "email": "mallory@evil.example"}}"#

    // MARK: Idempotency keys

    @Test func theSameKeyWithTheSameBodyIsARepeatAndWithAnotherBodyIs422StoringNothing() async throws {
        try await Self.withFolder { folder in
            try await Self.withIntake(folder) { base, store in
                let first = try await Self.post(base, Self.dana, key: "form-1")
                #expect(first.status == 202)
                // The same event, its keys in another order and spaced otherwise: the same body.
                let again = try await Self.post(
                    base, #"{"payload":{"email":"dana@example.com","name":"Dana"},"type":"lead.received"}"#,
                    key: "form-1")
                #expect(again.status == 200 && again.json["repeat"] == "true")
                #expect(again.event == first.event && again.caseID == first.caseID)
                let other = try await Self.post(base, Self.mallory, key: "form-1")
                #expect(other.status == 422)
                #expect(other.error.contains("Idempotency-Key 'form-1' was used with a different request body"))
                #expect(other.json["field"] == "Idempotency-Key" && other.event == nil)
                // Another type with the same payload is another body too.
                let retyped = try await Self.post(
                    base, Self.dana.replacingOccurrences(of: "lead.received", with: "inquiry.received"), key: "form-1")
                #expect(retyped.status == 422)
                let stored = try store.events()
                #expect(stored.count == 1)
                #expect(stored.first?.payload["email"] as? String == "dana@example.com")
            }
        }
    }

    @Test func theSameKeyFromTwoProducersIsTwoEvents() async throws {
        try await Self.withFolder { folder in
            try await Self.withIntake(folder) { base, store in
                let byToken = try await Self.post(base, Self.dana, as: .bearer, key: "shared")
                let bySignature = try await Self.post(base, Self.dana, as: .signed(age: 0), key: "shared")
                #expect(byToken.status == 202 && bySignature.status == 202)
                #expect(byToken.event != bySignature.event)
                // Each producer's key is bound to its own first body.
                #expect(try await Self.post(base, Self.mallory, as: .signed(age: 1), key: "shared").status == 422)
                #expect(try await Self.post(base, Self.dana, as: .signed(age: 2), key: "shared").status == 200)
                #expect(try await Self.post(base, Self.mallory, as: .bearer, key: "shared").status == 422)
                #expect(try store.events().count == 2)
            }
        }
    }

    /// An event as a producer might send it: a type and a payload of hostile-ish strings and numbers.
    struct Body: Equatable {
        var type: String
        var payload: [String: String]
        var budget: Int

        static let alphabet = Array("aé\"\\/ \u{0}\u{7}\n\t<>&'{}[]:,ß中😀\u{202E}0123456789")

        static func random(_ rng: inout SplitMix) -> Body {
            var payload: [String: String] = [:]
            for field in ["name", "email", "note", "city"].filter({ _ in rng.chance(75) }) {
                payload[field] = String((0..<(1 + rng.below(12))).map { _ in alphabet[rng.below(alphabet.count)] })
            }
            return Body(
                type: rng.chance(80) ? "lead.received" : "inquiry.received", payload: payload,
                budget: rng.below(100_000))
        }

        /// Another body: one thing about it changed.
        func mutated(_ rng: inout SplitMix) -> Body {
            var other = self
            switch rng.below(4) {
            case 0: other.type = type == "lead.received" ? "inquiry.received" : "lead.received"
            case 1: other.budget += 1 + rng.below(10)
            case 2: other.payload["name", default: ""] += String(Self.alphabet[rng.below(Self.alphabet.count)])
            default: other.payload["extra-\(rng.below(5))", default: ""] += "x"
            }
            return other
        }

        /// Its JSON text, the keys in a random order: the same body however it is written.
        func text(_ rng: inout SplitMix) -> String {
            func quoted(_ text: String) -> String {
                String(
                    decoding: try! JSONSerialization.data(withJSONObject: text, options: .fragmentsAllowed),
                    as: UTF8.self)
            }
            var fields = payload.map { "\(quoted($0.key)): \(quoted($0.value))" } + ["\"budget\": \(budget)"]
            for index in fields.indices.reversed() { fields.swapAt(index, rng.below(index + 1)) }
            let inner = "{" + fields.joined(separator: rng.chance(50) ? ", " : ",") + "}"
            return rng.chance(50)
                ? #"{"type": \#(quoted(type)), "payload": \#(inner)}"#
                : #"{"payload":\#(inner),"type":\#(quoted(type))}"#
        }
    }

    /// ~200 submissions of generated (producer, key, body), keys reused with the same body (written
    /// otherwise) or a changed one: the store holds one event per distinct (producer, key), with its
    /// first body, and exactly the changed bodies are answered 422.
    @Test(arguments: [1 as UInt64, 2, 3])
    func generatedKeyReuseStoresOneEventPerProducerAndKey(seed: UInt64) async throws {
        var rng = SplitMix(state: seed)
        try await Self.withFolder { folder in
            try await Self.withIntake(folder) { base, store in
                struct First {
                    let body: Body
                    let event: Int64
                }
                var firsts: [String: First] = [:]
                var refused = 0
                for index in 0..<200 {
                    // Signed requests are each signed anew (their own time), as a client does.
                    let producer: Producer = rng.chance(50) ? .bearer : .signed(age: index)
                    let key = "k\(rng.below(40))"
                    let scope = "\(producer):\(key)"
                    let body: Body
                    let expected: Int
                    if let first = firsts[scope] {
                        let same = rng.chance(50)
                        body = same ? first.body : first.body.mutated(&rng)
                        expected = same ? 200 : 422
                    } else {
                        body = Body.random(&rng)
                        expected = 202
                    }
                    let answer = try await Self.post(base, body.text(&rng), as: producer, key: key)
                    #expect(answer.status == expected, "seed \(seed), #\(index) \(scope): \(answer.json)")
                    switch expected {
                    case 202: firsts[scope] = First(body: body, event: try #require(answer.event))
                    case 200: #expect(answer.event == firsts[scope]?.event)
                    default:
                        refused += 1
                        #expect(answer.error.contains("was used with a different request body"))
                    }
                }
                let stored = try store.events()
                #expect(stored.count == firsts.count, "seed \(seed)")
                for first in firsts.values {
                    let event = try #require(stored.first { $0.id == first.event })
                    #expect(event.type == first.body.type)
                    #expect(event.payload["budget"] as? Int == first.body.budget)
                    #expect(event.payload.count == first.body.payload.count + 1)
                    for (field, value) in first.body.payload { #expect(event.payload[field] as? String == value) }
                }
                #expect(refused > 10, "the generator made too few conflicts to prove anything")
            }
        }
    }

    @Test func concurrentUsesOfOneKeyStoreOneEventAndRefuseTheOtherBody() async throws {
        try await Self.withFolder { folder in
            try await Self.withIntake(folder) { base, store in
                let answers = try await withThrowingTaskGroup(of: (Bool, Answer).self) { group in
                    for number in 0..<40 {
                        let isDana = number % 2 == 0
                        group.addTask {
                            (isDana, try await Self.post(base, isDana ? Self.dana : Self.mallory, key: "race"))
                        }
                    }
                    return try await group.reduce(into: [(Bool, Answer)]()) { $0.append($1) }
                }
                let stored = try store.events()
                #expect(stored.count == 1)
                let winner = try #require(stored.first).payload["email"] as? String == "dana@example.com"
                #expect(answers.filter { $0.1.status == 202 }.count == 1)
                for (isDana, answer) in answers {
                    if isDana == winner {
                        #expect([200, 202].contains(answer.status) && answer.event == stored.first?.id)
                    } else {
                        #expect(answer.status == 422)
                    }
                }
            }
        }
    }

    // MARK: Signatures

    @Test func aSignedRequestIsGoodOnceEvenAfterARestart() async throws {
        try await Self.withFolder { folder in
            let stamp = String(Int(Self.start.timeIntervalSince1970))
            let header =
                "t=\(stamp),v1=\(IntakeServer.signature(secret: Self.secret, timestamp: stamp, body: Data(Self.dana.utf8)))"
            try await Self.withIntake(folder) { base, store in
                #expect(try await Self.post(base, Self.dana, as: .signed(age: 0), signature: header).status == 202)
                let replay = try await Self.post(base, Self.dana, as: .signed(age: 0), signature: header)
                #expect(replay.status == 409)
                #expect(replay.error.contains("this signature was used before"))
                // With an idempotency key, the same: a replay is refused, not answered as a repeat.
                #expect(
                    try await Self.post(base, Self.dana, as: .signed(age: 0), key: "k", signature: header).status == 409
                )
                // The same body signed anew is another request.
                #expect(try await Self.post(base, Self.dana, as: .signed(age: 1)).status == 202)
                #expect(try store.events().count == 2 && store.usedSignatureCount() == 2)
            }
            // Stopped and started again on the same folder: the replay is still refused.
            try await Self.withIntake(folder) { base, store in
                let replay = try await Self.post(base, Self.dana, as: .signed(age: 0), signature: header)
                #expect(replay.status == 409)
                #expect(try store.events().count == 2)
            }
        }
    }

    @Test func copiesOfOneSignedRequestSentAtOnceAreStoredOnce() async throws {
        try await Self.withFolder { folder in
            try await Self.withIntake(folder) { base, store in
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<30 {
                        group.addTask { try await Self.post(base, Self.dana, as: .signed(age: 3)).status }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == 202 }.count == 1)
                #expect(statuses.filter { $0 == 409 }.count == 29)
                #expect(try store.events().count == 1)
            }
        }
    }

    @Test func aSignatureFromMoreThanAMinuteAheadIsRefused() async throws {
        try await Self.withFolder { folder in
            try await Self.withIntake(folder) { base, store in
                let ahead = try await Self.post(base, Self.dana, as: .signed(age: -61))
                #expect(ahead.status == 401 && ahead.error.contains("ahead of this server's clock"))
                #expect(try await Self.post(base, Self.dana, as: .signed(age: -3600)).status == 401)
                #expect(try await Self.post(base, Self.dana, as: .signed(age: -60)).status == 202)
                let old = try await Self.post(base, Self.mallory, as: .signed(age: 301))
                #expect(old.status == 401 && old.error.contains("a replay?"))
                #expect(try store.events().count == 1)
            }
        }
    }

    @Test func usedSignaturesArePurgedOnceTheyExpire() async throws {
        try await Self.withFolder { folder in
            let clock = MovableClock()
            try await Self.withIntake(folder, clock: clock) { (base, store) async throws in
                for age in 0..<5 { #expect(try await Self.post(base, Self.dana, as: .signed(age: age)).status == 202) }
                #expect(try store.usedSignatureCount() == 5)
                clock.advance(301)
                let now = clock.read()
                #expect(try await Self.post(base, Self.dana, as: .signed(age: 0), at: now).status == 202)
                #expect(try store.usedSignatureCount() == 1)
            }
        }
    }

    // MARK: Cases

    @Test func aCaseIsJoinedOnlyWithItsToken() async throws {
        try await Self.withFolder { folder in
            try await Self.withIntake(folder) { base, store in
                let lead = try await Self.post(base, Self.dana)
                let target = try #require(lead.caseID)
                let before = try store.context(caseID: target)
                let valid = try store.caseToken(for: target)
                let other = try store.caseToken(for: target + "x")
                #expect(valid.count == 32 && valid != other)
                func hijack(_ token: String?) -> String {
                    let proof = token.map { #", "case_token": "\#($0)""# } ?? ""
                    return
                        #"{"type": "lead.received", "case": "\#(target)"\#(proof), "payload": {"email": "mallory@evil.example"}}"#
                }
                let bare = try await Self.post(base, hijack(nil))
                #expect(bare.status == 422 && bare.json["field"] == "case")
                #expect(bare.error.contains("'case' needs its 'case_token'"))
                // Hostile proofs: each character changed, cut short, another case's, made up.
                var forged = (0..<valid.count).map { index -> String in
                    var characters = Array(valid)
                    characters[index] = characters[index] == "0" ? "1" : "0"
                    return String(characters)
                }
                forged += [
                    String(valid.dropLast()), valid + "0", try store.caseToken(for: "case-other"),
                    String(repeating: "0", count: 32), "\(valid) ", "../\(valid)",
                ]
                for token in forged {
                    let answer = try await Self.post(base, hijack(token))
                    #expect(answer.status == 422 && answer.json["field"] == "case_token", "\(token)")
                }
                #expect(try await Self.post(base, hijack(""), as: .signed(age: 0)).status == 422)
                #expect(try store.events(caseID: target).count == 1)
                #expect(try store.context(caseID: target).version == before.version)
                // Its own token joins it, by either producer.
                let joined = try await Self.post(base, hijack(valid))
                #expect(joined.status == 202 && joined.caseID == target)
                let signedJoin = try await Self.post(base, hijack(valid.uppercased()), as: .signed(age: 1))
                #expect(signedJoin.status == 202 && signedJoin.caseID == target)
                #expect(try store.events(caseID: target).count == 3)
            }
        }
    }

    @Test func anotherDataFolderMakesOtherCaseTokens() async throws {
        try await Self.withFolder { one in
            try await Self.withFolder { two in
                let first = try RuntimeStore(folder: one)
                let second = try RuntimeStore(folder: two)
                #expect(try first.caseToken(for: "lead-1") != second.caseToken(for: "lead-1"))
                // And the same folder, opened again, makes the same ones (links sent stay good).
                #expect(try first.caseToken(for: "lead-1") == RuntimeStore(folder: one).caseToken(for: "lead-1"))
            }
        }
    }
}
