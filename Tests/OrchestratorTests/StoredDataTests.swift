import Blueprint
import Foundation
import GRDB
import Testing

@testable import Orchestrator

/// Stored rows that cannot be read never stop the engine: the event they belong to is
/// dead-lettered with its reason, a busy time is skipped and said once, and the rest runs.
struct StoredDataTests {
    /// The rows a hand edit, an old bug or a broken disk could leave, written with SQL.
    static func writeBadRows(_ folder: String) throws -> [String: Int64] {
        let queue = try DatabaseQueue(path: folder + "/runtime.sqlite")
        return try queue.write { db in
            var ids: [String: Int64] = [:]
            func event(_ name: String, caseID: String, payload: String, createdAt: String, dueAt: String? = nil) throws
            {
                try db.execute(
                    sql: """
                        INSERT INTO event (type, case_id, payload_json, producer, status, created_at, due_at)
                        VALUES ('lead.received', ?, ?, 'intake', 'pending', ?, ?)
                        """, arguments: [caseID, payload, createdAt, dueAt])
                ids[name] = db.lastInsertedRowID
            }
            let good = #"{"name": "Bad Row", "email": "bad@example.com"}"#
            try event("payload", caseID: "bad-payload", payload: "{not json", createdAt: "2026-03-02 08:00:00.000")
            try event("array", caseID: "bad-array", payload: "[1, 2]", createdAt: "2026-03-02 08:00:00.000")
            try event("created", caseID: "bad-created", payload: good, createdAt: "2026/03/02 8am")
            try event(
                "due", caseID: "bad-due", payload: good, createdAt: "2026-03-02 08:00:00.000",
                dueAt: "2026-03-01 at noon")
            try event("context", caseID: "bad-context", payload: good, createdAt: "2026-03-02 08:00:00.000")
            try db.execute(
                sql:
                    "INSERT INTO case_context (case_id, context_json, version) VALUES ('bad-context', 'this is not JSON', 1)"
            )
            // The issue's booking at the end of 9999 (its end, in the year 10000, sorts before today as
            // text), a busy time in the year 99999, one whose end is not a date, one that ends before
            // it starts.
            for (start, end) in [
                ("9999-12-31 23:00:00.000", "10000-01-01 00:00:00.000"),
                ("2026-03-02 18:00:00.000", "99999-01-01 00:00:00.000"),
                ("2026-03-02 18:00:00.000", "zzzz"),
                ("2026-03-03 18:00:00.000", "2026-03-03 17:00:00.000"),
            ] {
                try db.execute(
                    sql: "INSERT INTO calendar_busy (starts_at, ends_at, source) VALUES (?, ?, 'external')",
                    arguments: [start, end])
            }
            return ids
        }
    }

    /// Each event's status and last error, read as text (the bad rows do not decode as events).
    static func statuses(_ folder: String) throws -> [Int64: (status: String, error: String?)] {
        try DatabaseQueue(path: folder + "/runtime.sqlite").read { db in
            var found: [Int64: (String, String?)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, status, last_error FROM event") {
                found[try row.decode(forColumn: "id")] = (
                    try row.decode(forColumn: "status"), try row.decode(forColumn: "last_error")
                )
            }
            return found
        }
    }

    @Test func badEventRowsAreDeadLetteredWithTheirReasonAndTheOthersRun() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let first = try r.store.submit(
            type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        let bad = try Self.writeBadRows(r.folder)
        var other = LeadFlowTests.lead
        other["email"] = "sam@example.com"
        let last = try r.store.submit(type: "lead.received", caseID: "lead-2", payload: other, producer: "intake")

        try await r.engine.runUntilIdle()

        let status = try Self.statuses(r.folder)
        #expect(status[first]?.status == "done")
        #expect(status[last]?.status == "done")
        for (name, id) in bad {
            #expect(status[id]?.status == "dead", "\(name)")
            #expect(status[id]?.error?.hasPrefix("stored data could not be read: ") == true, "\(name): \(status[id]!)")
        }
        #expect(
            status[bad["payload"]!]?.error == "stored data could not be read: its payload_json is not a JSON object")
        #expect(
            status[bad["context"]!]?.error
                == "stored data could not be read: the case's context_json is not a JSON object of agents' notes")
        #expect(status[bad["created"]!]?.error?.contains("2026/03/02 8am") == true)
        // Each has its audit line, saying how to put it back; the case's context was not written over.
        for (name, id) in bad {
            let caseID = "bad-\(name)"
            let line = try #require(try r.store.audit(caseID: caseID).first { $0.kind == .dead }, "\(name)")
            #expect(line.detail.contains("event #\(id)") && line.detail.contains("baton event retry \(id)"))
        }
        let context = try await DatabaseQueue(path: r.folder + "/runtime.sqlite").read {
            try String.fetchOne($0, sql: "SELECT context_json FROM case_context WHERE case_id = 'bad-context'")
        }
        #expect(context == "this is not JSON")
        // Both good leads got their reply with times, the unreadable busy times skipped.
        let replies = try r.store.outbox().filter { $0.action == "email.send" }
        #expect(Set(replies.map(\.caseID)) == ["lead-1", "lead-2"])
        #expect(try r.store.context(caseID: "lead-1").notes["scheduler"]?["offered"] == "3")
    }

    @Test func anUnreadableBusyTimeIsSkippedAndSaidOnce() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        _ = try Self.writeBadRows(r.folder)
        for n in 1...3 {
            var lead = LeadFlowTests.lead
            lead["email"] = "lead\(n)@example.com"
            try r.store.submit(type: "lead.received", caseID: "lead-\(n)", payload: lead, producer: "intake")
            try await r.engine.runUntilIdle()
        }
        let said = try r.store.audit(caseID: "calendar").filter { $0.kind == .unreadable }
        // The year-99999 end, the end that is not a date, the one that ends before it starts: once each,
        // however many batches read the calendar.
        #expect(said.count == 3, "\(said.map(\.detail))")
        #expect(said.allSatisfy { $0.detail.contains("skipped: stored data could not be read") })
        #expect(said.contains { $0.detail.contains("ends before it starts") })
        #expect(Set(try r.store.outbox().filter { $0.action == "email.send" }.map(\.caseID)).count == 3)
    }

    /// A booking asked for at the end of 9999 (the issue's own payload) books nothing: the skill
    /// reads it as no valid time, and the calendar stays readable.
    @Test func aBookingAtTheEndOf9999IsInvalidInputNotABusyTime() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        try r.store.submit(
            type: "booking.requested", caseID: "lead-1", payload: ["start": "9999-12-31T23:00:00Z"], producer: "intake")
        try await r.engine.runUntilIdle()
        let notes = try #require(try r.store.context(caseID: "lead-1").notes["scheduler"])
        #expect(notes["summary"] == "the booking request has no valid start time")
        #expect(notes["refused"] == "the start is more than 10 years ahead")
        #expect(try r.store.outbox().filter { $0.action == "calendar.book" }.isEmpty)
        try await r.dispatcher.dispatch()
        #expect(try r.store.bookings().isEmpty)
    }

    /// An approver's edit (or any payload) that names a time out of the window is no appointment.
    @Test func theDispatcherRefusesAnAppointmentOutOfTheWindow() throws {
        let item = OutboxItem(
            id: 1, idempotencyKey: "k", caseID: "c", agent: "scheduler", action: .calendarBook, payloadJSON: "{}",
            status: .queued, attempts: 0, createdAt: Date())
        let now = Date()
        let good = ISO8601DateFormatter().string(from: now.addingTimeInterval(86400))
        let goodEnd = ISO8601DateFormatter().string(from: now.addingTimeInterval(90000))
        #expect(Dispatcher.appointment(item, ["start": good, "end": goodEnd, "to": "a@example.com"], now: now) != nil)
        for (start, end) in [
            ("9999-12-31T23:00:00Z", "9999-12-31T23:59:00Z"), ("1970-01-01T00:00:00Z", "1970-01-01T01:00:00Z"),
            (good, "9999-12-31T23:00:00Z"), ("2026-02-30T10:00:00Z", goodEnd),
        ] {
            #expect(Dispatcher.appointment(item, ["start": start, "end": end, "to": "a@example.com"], now: now) == nil)
        }
    }

    /// Busy times from an outside calendar are cut to the window; those wholly outside it dropped.
    @Test func outsideBusyTimesAreCutToTheWindow() {
        let now = LeadFlowTests.monday
        let latest = AcceptedTime.latest(now: now)
        let (kept, dropped) = AcceptedTime.busyTimes(
            [
                DateInterval(start: now, duration: 3600),
                DateInterval(start: now, end: Date(timeIntervalSince1970: 1e15)),
                DateInterval(start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 3600)),
                DateInterval(start: Date(timeIntervalSince1970: 1e15), end: Date(timeIntervalSince1970: 2e15)),
                DateInterval(start: now, end: Date(timeIntervalSince1970: .infinity)),
            ], now: now)
        #expect(dropped == 2)
        #expect(kept.map(\.end) == [now.addingTimeInterval(3600), latest, latest])
        #expect(kept.allSatisfy { StoredDate.text($0.end).hasPrefix("20") })
    }
}
