import BatonTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Orchestrator
@testable import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Group commit at the intake, over real HTTP on loopback: hundreds of concurrent `POST /v1/events`
/// share commits, each is answered with its own event, durable before its 2xx, once per key; a bad
/// one fails alone; past the bound or the timeout the answer is 503 with `Retry-After`.
@Suite(.serialized)
struct GroupCommitTests {
    /// A running intake; stopped when the test's body ends.
    static func withIntake(
        maxWaiting: Int = 4096, commitTimeout: Duration = .seconds(60),
        _ body: (URL, IntakeServer, String) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-group-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        let settings = IntakeSettings(
            port: 0, token: "t0ken", acceptedTypes: ["lead.received", "poison"], maxWaiting: maxWaiting,
            commitTimeout: commitTimeout)
        let intake = IntakeServer(store: store, settings: settings, dashboard: false)
        let port = Mutex(0)
        let app = intake.application { running in port.withLock { $0 = running } }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await body(URL(string: "http://127.0.0.1:\(port.withLock { $0 })")!, intake, folder)
    }

    /// Many connections at once, so requests really overlap.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration)
    }()

    struct Answer: Sendable {
        let status: Int
        let event: Int64?
        let caseID: String?
        let retryAfter: String?
    }

    static func post(_ base: URL, _ body: String, key: String? = nil) async throws -> Answer {
        var request = URLRequest(url: base.appendingPathComponent("v1/events"))
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer t0ken", forHTTPHeaderField: "Authorization")
        if let key { request.setValue(key, forHTTPHeaderField: "Idempotency-Key") }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Answer(
            status: http.statusCode, event: (json["event"] as? String).flatMap { Int64($0) },
            caseID: json["case"] as? String, retryAfter: http.value(forHTTPHeaderField: "Retry-After"))
    }

    /// Lead `number`, known again by its payload's `n` (an outside producer names no case: each
    /// lead starts its own).
    static func lead(_ number: Int, type: String = "lead.received") -> String {
        #"{"type": "\#(type)", "payload": {"name": "Lead \#(number)", "n": \#(number)}}"#
    }

    /// Holds the store's write lock from another connection (as a long write elsewhere would)
    /// until released.
    final class WriteLock: Sendable {
        private let state = Mutex((held: false, release: false))

        init(_ folder: String) throws {
            let database = try DatabaseQueue(path: folder + "/runtime.sqlite")
            Thread { [self] in
                try? database.inDatabase { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    self.state.withLock { $0.held = true }
                    // A dedicated thread, not the cooperative pool: it stands for another process's
                    // long write, and polls until the test lets go.
                    while !self.state.withLock({ $0.release }) { usleep(2000) }
                    try db.execute(sql: "COMMIT")
                }
            }.start()
        }

        func held() async throws {
            while !state.withLock({ $0.held }) { try await Task.sleep(for: .milliseconds(5)) }
        }

        func release() { state.withLock { $0.release = true } }
    }

    @Test(arguments: [40, 300])
    func concurrentPostsAreEachAnsweredWithTheirOwnEventStoredOnceAndDurable(count: Int) async throws {
        try await Self.withIntake { base, intake, folder in
            let answers = try await withThrowingTaskGroup(of: (Int, String?, Answer).self) { group in
                for number in 0..<count {
                    // Every third request shares its key (and its body) with two others, sent at the same time.
                    let key = number % 3 == 0 ? nil : "key-\(number / 3)"
                    let body = Self.lead(key == nil ? number : 3 * (number / 3) + 1)
                    group.addTask { (number, key, try await Self.post(base, body, key: key)) }
                }
                return try await group.reduce(into: [(Int, String?, Answer)]()) { $0.append($1) }
            }
            #expect(answers.count == count)
            #expect(answers.allSatisfy { $0.2.status == 202 || $0.2.status == 200 })
            // Each key: one 202, the others 200 with the same event.
            let byKey = Dictionary(grouping: answers.filter { $0.1 != nil }, by: { $0.1! })
            for (key, sent) in byKey {
                #expect(sent.filter { $0.2.status == 202 }.count == 1, "\(key)")
                #expect(Set(sent.map(\.2.event)).count == 1, "\(key)")
            }
            // Without a key, each answer names its own case.
            let unkeyed = answers.filter { $0.1 == nil }
            #expect(unkeyed.allSatisfy { $0.2.status == 202 })
            #expect(Set(unkeyed.compactMap(\.2.caseID)).count == unkeyed.count)
            // Re-opened through a new connection: every 2xx'd event, with its payload, once.
            let reopened = try RuntimeStore(folder: folder)
            let stored = try reopened.events()
            #expect(stored.count == answers.filter { $0.2.status == 202 }.count)
            for (number, key, answer) in answers {
                let id = try #require(answer.event)
                let event = try #require(stored.first { $0.id == id }, "event \(id) was answered but is not stored")
                #expect(event.payload["name"] as? String == "Lead \(key == nil ? number : 3 * (number / 3) + 1)")
                #expect(event.caseID == answer.caseID)
            }
            if count >= 300 { #expect(intake.commitGroups.count < count, "no two requests shared a commit") }
        }
    }

    @Test func aBadEventAmongGoodOnesFailsAloneAndDuplicatesInOneGroupAreStoredOnce() async throws {
        try await Self.withIntake { base, intake, folder in
            try await DatabaseQueue(path: folder + "/runtime.sqlite").write { db in
                try db.execute(
                    sql: """
                        CREATE TRIGGER refuse_poison BEFORE INSERT ON event WHEN NEW.type = 'poison'
                        BEGIN SELECT RAISE(ABORT, 'poisoned'); END
                        """)
            }
            // Held, so everything sent meanwhile gathers into one group.
            let lock = try WriteLock(folder)
            try await lock.held()
            let answers = try await withThrowingTaskGroup(of: (Int, Answer).self) { group in
                for number in 0..<60 {
                    let body: String
                    switch number % 6 {
                    case 1: body = Self.lead(number, type: "poison")
                    case 2: body = #"{"type": "lead.received", "payload": "#  // not JSON: 400, never queued
                    case 3: body = Self.lead(3)  // one key, one body
                    default: body = Self.lead(number)
                    }
                    let key = number % 6 == 3 ? "same" : nil
                    group.addTask { (number, try await Self.post(base, body, key: key)) }
                }
                // Most of them wait in the intake before the lock goes (however long a loaded machine
                // takes to send them): they share commits.
                _ = try await eventually { intake.writer.waiting >= 40 }
                lock.release()
                return try await group.reduce(into: [Int: Answer]()) { $0[$1.0] = $1.1 }
            }
            let stored = try RuntimeStore(folder: folder).events()
            for number in 0..<60 {
                let answer = try #require(answers[number])
                switch number % 6 {
                case 1:
                    #expect(answer.status == 500, "poison \(number)")
                case 2:
                    #expect(answer.status == 400)
                case 3:
                    #expect(answer.status == 202 || answer.status == 200)
                default:
                    #expect(answer.status == 202)
                    #expect(stored.contains { $0.id == answer.event && $0.payload["n"] as? Int == number })
                }
            }
            #expect(!stored.contains { $0.type == "poison" })
            #expect(stored.filter { $0.idempotencyKey?.hasSuffix(":same") == true }.count == 1)
            #expect(answers.values.filter { $0.status == 202 }.count == stored.count)
            #expect(intake.commitGroups.largest > 1)
        }
    }

    @Test func pastTheBoundTheIntakeAnswers503WithRetryAfterAndTheWaitingOnesAreStored() async throws {
        try await Self.withIntake(maxWaiting: 5, commitTimeout: .seconds(30)) { base, intake, folder in
            let lock = try WriteLock(folder)
            try await lock.held()
            try await withThrowingTaskGroup(of: Answer.self) { group in
                for number in 0..<5 { group.addTask { try await Self.post(base, Self.lead(number)) } }
                // All five wait in the intake (however long a loaded machine takes to send them).
                let deadline = ContinuousClock.now + .seconds(60)
                while intake.writer.waiting < 5 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
                for number in 5..<9 {
                    let refused = try await Self.post(base, Self.lead(number))
                    #expect(refused.status == 503 && refused.retryAfter == "1" && refused.event == nil)
                }
                lock.release()
                for try await answer in group { #expect(answer.status == 202) }
            }
            let stored = try RuntimeStore(folder: folder).events()
            #expect(Set(stored.compactMap { $0.payload["n"] as? Int }) == Set(0..<5))
        }
    }

    @Test func aRequestNotCommittedInTimeIsAnswered503AndItsRetryStoresItOnce() async throws {
        try await Self.withIntake(commitTimeout: .milliseconds(300)) { base, _, folder in
            let lock = try WriteLock(folder)
            try await lock.held()
            let first = try await withThrowingTaskGroup(of: Answer.self) { group in
                for number in 0..<6 {
                    group.addTask { try await Self.post(base, Self.lead(number), key: "k\(number)") }
                }
                return try await group.reduce(into: [Answer]()) { $0.append($1) }
            }
            #expect(first.allSatisfy { $0.status == 503 && $0.retryAfter == "1" })
            lock.release()
            // The retries: each key stored exactly once, whether its first try reached the disk or not.
            for number in 0..<6 {
                var answer = try await Self.post(base, Self.lead(number), key: "k\(number)")
                let deadline = ContinuousClock.now + .seconds(120)  // each try may wait past 300 ms under load
                while answer.status == 503 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                    answer = try await Self.post(base, Self.lead(number), key: "k\(number)")
                }
                #expect(answer.status == 202 || answer.status == 200)
            }
            let stored = try RuntimeStore(folder: folder).events()
            #expect(stored.count == 6 && Set(stored.compactMap(\.idempotencyKey)).count == 6)
        }
    }
}
