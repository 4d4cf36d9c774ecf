import BatonTestSupport
import Blueprint
import Foundation
import GRDB
import Mail
import Testing

@testable import Orchestrator

/// The storage shortcuts the engine takes for speed write exactly what the general paths would.
struct StorageTests {
    @Test func storedDatesAreTheTextGRDBWrites() {
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 1_772_467_200.9999), Date(timeIntervalSince1970: 4_107_542_399.999),  // 2100-02-28
            Date(timeIntervalSince1970: 253_402_300_800),  // 10000-01-01: five digits of year, as GRDB writes them
            .distantFuture,  // the upper bound of the lead ledger's query over all time
        ]
        // Half a millisecond either side of a boundary, where rounding rules differ.
        for offset in [0.0004999, 0.0005, 0.0005001, 0.0015, 0.0025] {
            dates.append(Date(timeIntervalSince1970: 1_772_467_200 + offset))
        }
        // Spread over 1970–2096 by a fixed large odd step: the same dates on every run.
        for i in 0..<2000 {
            dates.append(
                Date(timeIntervalSince1970: Double((UInt64(i) &* 2_654_435_761_337) % 4_000_000_000_000) / 1000))
        }
        for date in dates {
            #expect(
                StoredDate.text(date) == String.fromDatabaseValue(date.databaseValue), "\(date.timeIntervalSince1970)")
        }
        // Before the Gregorian reform (1582) GRDB's formatter counts Julian days and this does not; the
        // lower bound of the query over all time still sorts before every time the runtime stores.
        #expect(StoredDate.text(.distantPast) == "0000-12-30 00:00:00.000")
        #expect(StoredDate.text(.distantPast) < StoredDate.text(Date(timeIntervalSince1970: 0)))
    }

    @Test func recordsWriteTheirDatesAsStoredDateDoes() throws {
        let created = Date(timeIntervalSince1970: 1_772_467_200.4996)
        let sent = Date(timeIntervalSince1970: 4_107_542_399.9996)
        let item = OutboxItem(
            id: 1, idempotencyKey: "k", caseID: "c", agent: "a", action: .emailSend, payloadJSON: "{}", status: .sent,
            attempts: 1, createdAt: created, sentAt: sent, nextAttemptAt: nil, lastError: nil)
        let row = try item.databaseDictionary
        #expect(String.fromDatabaseValue(row["created_at"]!) == created.databaseValue.storage.value as? String)
        #expect(String.fromDatabaseValue(row["created_at"]!) == StoredDate.text(created))
        #expect(String.fromDatabaseValue(row["sent_at"]!) == StoredDate.text(sent))
        #expect(row["next_attempt_at"] == .null)
    }

    @Test func stringMapsRoundTripThroughAJSONParserWithSortedKeys() throws {
        let awkward = [
            "quote": "She said \"call me\"", "slash": "a\\b / c", "lines": "one\ntwo\r\n\tthree",
            "control": "bell\u{7} nul-free", "unicode": "Québec — 東京 🙂", "": "empty key",
        ]
        let text = StringMapJSON.encode(awkward)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])
        #expect(parsed == awkward)
        #expect(text.hasPrefix(#"{"":"empty key","control":"bell\u0007 nul-free","lines":"one\ntwo"#))
        let nested = ["b": ["z": "1", "a": "2"], "a": [:]]
        #expect(StringMapJSON.encode(nested) == #"{"a":{},"b":{"a":"2","z":"1"}}"#)
    }

    /// 500 generated maps of keys and values made of every kind of byte a JSON string escapes or
    /// keeps (controls, quotes, backslashes, multi-byte characters, runs of each): parsed back whole.
    @Test func generatedStringMapsRoundTrip() throws {
        var random = SplitMix(state: 0x5EED_0A11)
        let pieces = [
            "\"", "\\", "\n", "\r\n", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "a", "Zz 9", "é", "—", "東京", "🙂", "/",
            "{}", ":",
            "\u{301}", "\u{200D}",
        ]
        for _ in 0..<500 {
            var map: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                func text() -> String {
                    (0..<Int.random(in: 0...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                        .joined()
                }
                map[text()] = text()
            }
            let encoded = StringMapJSON.encode(map)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? [String: String])
            #expect(parsed == map, "\(encoded)")
            // Byte for byte the text of a plain encoder that escapes scalar by scalar.
            #expect(Array(encoded.utf8) == Array(Self.plainEncoding(map).utf8), "\(encoded)")
            let nested = StringMapJSON.encode(["m": map, "n": [:]], encoded: ["n": "{}"])
            #expect(Array(nested.utf8) == Array(#"{"m":\#(encoded),"n":{}}"#.utf8))
        }
    }

    /// JSON text of `map` as the store writes it, escaped one scalar at a time.
    static func plainEncoding(_ map: [String: String]) -> String {
        func quoted(_ text: String) -> String {
            let escaped = text.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\"": "\\\""
                case "\\": "\\\\"
                case "\n": "\\n"
                case "\r": "\\r"
                case "\t": "\\t"
                case _ where scalar.value < 0x20: String(format: "\\u%04x", scalar.value)
                default: String(scalar)
                }
            }
            return "\"" + escaped.joined() + "\""
        }
        return "{" + map.keys.sorted().map { quoted($0) + ":" + quoted(map[$0]!) }.joined(separator: ",") + "}"
    }

    @Test func aVersionTwoStoreUpgradesWithItsEventsAndAuditKept() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-runtime-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: folder + "/runtime.sqlite")
        try RuntimeStore.migrator.migrate(old, upTo: "v2: indexes for due work")
        await try old.write { db in
            try db.execute(
                sql: """
                    INSERT INTO event (type, case_id, payload_json, producer, idempotency_key, status, created_at)
                    VALUES ('lead.received', 'lead-1', '{}', 'intake', 'form-1', 'pending', '2026-03-02 16:00:00.000');
                    INSERT INTO audit (at, case_id, kind, detail) VALUES ('2026-03-02 16:00:00.000', 'lead-1', 'event', 'kept');
                    """)
        }
        try old.close()

        let store = try RuntimeStore(folder: folder, clock: { LeadFlowTests.monday })
        #expect(try store.events().map(\.idempotencyKey) == ["form-1"])
        #expect(try store.audit().map(\.detail) == ["kept"])
        // The key is still unique, and new events come after the old ones.
        #expect(
            try store.submit(
                type: "lead.received", caseID: "lead-1", payload: [:], producer: "intake", idempotencyKey: "form-1")
                == 1)
        #expect(try store.submit(type: "lead.received", caseID: "lead-2", payload: [:], producer: "intake") == 2)
        let engine = Engine(blueprint: try LeadFlowTests.blueprint(), store: store)
        #expect(try await engine.runUntilIdle() == 2)  // both waiting leads, found through the new indexes
    }

    @Test func aBatchTakesEachLeadThroughEveryAgentInOneCommitUpToItsLimit() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        for i in 0..<12 {
            try r.store.submit(
                type: "lead.received", caseID: "lead-\(i)", payload: LeadFlowTests.lead, producer: "intake")
        }
        // Ten leads taken, each through all four steps; two left waiting, untouched.
        #expect(try await r.engine.processBatch(limit: 10) == 40)
        let replies = try r.store.outbox().filter { $0.action == "email.send" }
        #expect(Set(replies.map(\.caseID)) == Set((0..<10).map { "lead-\($0)" }))
        let waiting = try r.store.events().filter { $0.status == .pending && $0.dueAt == nil }
        #expect(waiting.map(\.caseID) == ["lead-10", "lead-11"])
        // Each case's context holds every agent's notes, at one version per step.
        let context = try r.store.context(caseID: "lead-3")
        #expect(context.version == 4)
        #expect(Set(context.notes.keys).isSuperset(of: ["intake", "lead_qualifier", "follow_up_drafter", "scheduler"]))
        #expect(try await r.engine.processBatch(limit: 10) == 8)
    }

    /// Whether an event is ready: not before one is stored, not once only delayed ones (the
    /// follow-ups the leads scheduled) are left.
    @Test func anEventIsReadyUntilTheEngineHasTakenItOn() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        #expect(try await r.store.hasReadyEvents() == false)
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        #expect(try await r.store.hasReadyEvents())
        #expect(try await r.engine.processBatch(limit: 10) == 4)
        #expect(try r.store.events().contains { $0.status == .pending && $0.dueAt != nil })
        #expect(try await r.store.hasReadyEvents() == false)
    }

    @Test func eachDataFolderHasItsOwnIdentityWhichKeepsMessageIDsApart() throws {
        let a = try LeadFlowTests.runtime()
        let b = try LeadFlowTests.runtime()
        defer {
            try? FileManager.default.removeItem(atPath: a.folder)
            try? FileManager.default.removeItem(atPath: b.folder)
        }
        #expect(a.store.installID.count == 12 && a.store.installID != b.store.installID)
        #expect(try RuntimeStore(folder: a.folder).installID == a.store.installID)  // kept across restarts
        let email = { (store: RuntimeStore) in
            MIMEMessage(
                OutgoingEmail(
                    id: 1, key: "3-scheduler-email.send-0", from: "o@example.com", to: "d@example.com", subject: "s",
                    text: "t", date: LeadFlowTests.monday, origin: store.installID)
            ).messageID
        }
        #expect(email(a.store) == "<3-scheduler-email.send-0.\(a.store.installID)@baton.local>")
        #expect(email(a.store) != email(b.store))
    }
}
