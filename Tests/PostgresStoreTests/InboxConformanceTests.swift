import BatonTestSupport
import Foundation
import Mail
import Testing

@testable import Orchestrator

/// The inbox's store (``InboxStorage``) and the booking links' key (``BookingStorage``): the same
/// generated mail delivered to both stores must be stored the same, once per Message-ID.
@Suite("Inbox conformance", .serialized)
struct InboxConformanceTests {
    @Test("200 generated Message-IDs in batches with repeats: each stored once, with its audit line and the progress")
    func storedOnce() async throws {
        let clock = TestClock()
        let stores = try await StoreKind.both(clock: clock)
        var random = SplitMix(state: 41)
        let ids = (0..<200).map { index in
            "<\(random.pick(HostileText.plainWords))-\(index).\(random.below(1_000_000))@\(random.pick(["mail.example", "o'k.example", "é.example", "a b"]))>"
        }
        let sources = ["imap:owner@example.com", "maildir:/var/mail/o'k", "é"]
        var firstBody: [String: String] = [:]
        var progress: [String: InboxPosition] = [:]
        var storedNew = 0
        var next = 0
        var uid: UInt32 = 0
        while next < ids.count {
            // A batch: the next few new ids, and some seen before (the same copy, or other content).
            var batch: [InboxEvent] = []
            var expected: [Bool] = []
            for _ in 0..<(1 + random.below(25)) {
                let repeatSeen = next > 0 && (random.chance(30) || next >= ids.count)
                let id = repeatSeen ? ids[random.below(next)] : ids[next]
                if !repeatSeen { next += 1 }
                let body = repeatSeen && random.chance(50) ? "forwarded copy \(random.below(9))" : "body of \(id)"
                let event = try IntakeEvent(
                    type: random.pick(["email.received", "inquiry.received", "reply.received"]),
                    caseID: "mail-\(random.below(40))", payload: ["body": body, "message_id": id], producer: "inbox",
                    idempotencyKey: "inbox:\(id)")
                let isNew = firstBody[id] == nil
                if isNew {
                    firstBody[id] = body
                    storedNew += 1
                }
                expected.append(isNew)
                batch.append(InboxEvent(event: event, audit: .mail, detail: "from \(id)"))
            }
            let source = random.pick(sources)
            uid += UInt32(1 + random.below(1000))
            let position: InboxPosition? =
                switch random.below(4) {
                case 0: nil
                case 1: .file(name: "\(uid).M\(random.below(99)):2,S é")
                case 2: .imap(validity: UInt32.max, uid: uid)
                default: .imap(validity: UInt32(random.below(1 << 20)), uid: uid)
                }
            if let position { progress[source] = position }
            for store in stores {
                #expect(try await store.storeInbox(batch, source: source, progress: position) == expected)
            }
        }
        for store in stores {
            for source in sources + ["never read"] {
                #expect(try await store.inboxProgress(source: source) == progress[source])
            }
            let mail = try await store.auditAsync(caseID: nil).filter { $0.kind == .mail }
            #expect(mail.count == storedNew && storedNew == ids.count)
            #expect(Set(mail.map(\.detail)) == Set(ids.map { "from \($0)" }))
            // Every id's event holds its first body.
            var events: [EventRecord] = []
            for caseNumber in 0..<40 { events += try await store.caseEvents("mail-\(caseNumber)") }
            #expect(events.count == ids.count)
            for event in events {
                let key = String((event.idempotencyKey ?? "").dropFirst("inbox:".count))
                #expect(event.payloadJSON.contains(StringMapJSON.encode(["body": firstBody[key] ?? "?"]).dropFirst().dropLast()))
            }
        }
    }

    @Test("the cases of outbox keys: known keys by key, unknown and repeated ones left out")
    func casesOfOutboxKeys() async throws {
        let clock = TestClock()
        let stores = try await StoreKind.both(clock: clock)
        var random = SplitMix(state: 5)
        var cases: [String: String] = [:]
        for index in 0..<80 {
            let key = "\(random.pick(HostileText.plainWords))-\(index)@baton"
            let caseID = "case-\(random.pick(HostileText.plainWords))-\(index % 23)"
            cases[key] = caseID
            for store in stores {
                let queued = try await store.transaction { [clock] tx in
                    try tx.queueAction(
                        key: key, caseID: caseID, agent: "writer", action: .emailSend, payloadJSON: "{}", at: clock.now)
                }
                #expect(queued)
            }
        }
        let known = Array(cases.keys.shuffled(using: &random).prefix(60))
        let unknown = (0..<30).map { "never-\($0)@baton" }
        let asked = (known + unknown + known.prefix(10)).shuffled(using: &random)
        for store in stores {
            #expect(try await store.casesOfOutboxKeys([]) == [:])
            #expect(try await store.casesOfOutboxKeys(asked) == cases.filter { known.contains($0.key) })
            #expect(try await store.casesOfOutboxKeys(unknown).isEmpty)
        }
    }

    @Test("the booking key: the same on every read, another store's opens none of its links")
    func bookingKey() async throws {
        let clock = TestClock()
        let stores = try await StoreKind.both(clock: clock) + StoreKind.both(clock: clock)
        var keys: [String] = []
        for store in stores {
            let key = try await store.caseLinkKey()
            #expect(try await store.caseLinkKey() == key)
            #expect(key.split(separator: ":").count == 2 && key.count > 30)
            keys.append(key)
        }
        #expect(Set(keys).count == stores.count)
        for (index, key) in keys.enumerated() {
            let links = BookingLinks(publicURL: "https://book.example/", key: key)
            let token = links.token(caseID: "case-é'1", now: clock.now)
            #expect(try links.caseID(of: token, now: clock.now).get() == "case-é'1")
            for (other, otherKey) in keys.enumerated() where other != index {
                let opened = BookingLinks(publicURL: "https://book.example", key: otherKey).caseID(of: token, now: clock.now)
                #expect((try? opened.get()) == nil)
            }
        }
    }
}

extension InboxConformanceTests {
    @Test("hostile text in every field (NUL, escapes, bidi): stored once each, read back alike (NUL as U+FFFD on PostgreSQL)")
    func hostileMessages() async throws {
        let clock = TestClock()
        let stores = try await StoreKind.both(clock: clock)
        // Keys hold no control character (IncomingMessage.messageIDs takes no id with one); every
        // other field holds each hostile string, NUL included.
        let batch = try HostileText.hostile.enumerated().map { index, text in
            let key = "<\(index)\(HostileText.isTerminalControl(text.unicodeScalars.first ?? "a") || text.contains("\r") ? "" : text)x@example.com>"
            return InboxEvent(
                event: try IntakeEvent(
                    type: "email.received", caseID: "mail-\(index)\(text)", payload: ["message_id": key, "body": "b\(text)"],
                    producer: "inbox", idempotencyKey: "inbox:\(key)"),
                audit: .mail, detail: "from \(text) '\(text)'")
        }
        let source = "imap:o\u{0}'k\u{1B}[2J"
        let position = InboxPosition.file(name: "n\u{0}\u{1B}:2,S")
        var details: [[Substring]] = []
        for store in stores {
            #expect(try await store.storeInbox(batch, source: source, progress: position) == batch.map { _ in true })
            #expect(try await store.storeInbox(batch.shuffled(), source: source, progress: nil) == batch.map { _ in false })
            guard case .file(let name) = try await store.inboxProgress(source: source) else {
                Issue.record("\(type(of: store)): no progress read back")
                continue
            }
            #expect(Self.upToNUL(name) == "n")
            details.append(try await store.auditAsync(caseID: nil).map { Self.upToNUL($0.detail) })
        }
        #expect(details.count == 2 && details[0] == details[1] && details[0].count == batch.count)
    }

    /// Text up to its first NUL: what both stores read back of it (the SQLite store ends text at a
    /// NUL; PostgreSQL's text cannot hold one, and its store writes U+FFFD instead).
    static func upToNUL(_ text: String) -> Substring { text.prefix { $0 != "\u{0}" && $0 != "\u{FFFD}" } }
}
