import Foundation
import GRDB
import Testing

@testable import Orchestrator

/// Rows of the outbox, approvals, dashboard access, CRM and audit that do not read (wrong types,
/// dates that are not dates, text that is not UTF-8) are a said error or a skipped row, never a
/// trap; the dispatcher dead-letters an unreadable action and sends the others.
struct StoredRowsTests {
    static func sql(_ folder: String, _ statements: [String]) throws {
        let queue = try DatabaseQueue(path: folder + "/runtime.sqlite")
        try queue.write { db in for statement in statements { try db.execute(sql: statement) } }
    }

    /// A lead whose reply waits in the outbox, with the runtime.
    static func withQueuedReply() async throws -> LeadFlowTests.Runtime {
        let r = try LeadFlowTests.runtime()
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        return r
    }

    @Test func theDispatcherDeadLettersAnUnreadableActionAndSendsTheOthers() async throws {
        let r = try await Self.withQueuedReply()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let copy = """
            INSERT INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at)
            SELECT idempotency_key || '-%@', case_id, agent, action, payload_json, 'queued', %@, %@
            FROM outbox WHERE action = 'email.send' ORDER BY id LIMIT 1
            """
        func bad(_ name: String, attempts: String, createdAt: String) -> String {
            String(format: copy, name, attempts, createdAt)
        }
        try Self.sql(
            r.folder,
            [
                bad("date", attempts: "0", createdAt: "'not a date'"),
                bad("attempts", attempts: "'many'", createdAt: "'2026-03-02 08:00:00.000'"),
                bad("blob", attempts: "X'00ff'", createdAt: "X'ff'"),
            ])
        let queued = try await DatabaseQueue(path: r.folder + "/runtime.sqlite").read {
            try Int64.fetchAll($0, sql: "SELECT id FROM outbox WHERE status = 'queued' ORDER BY id")
        }
        #expect(queued.count >= 4)
        // Twice: the lane is not stuck on the bad rows.
        try await r.dispatcher.dispatch()
        try await r.dispatcher.dispatch()
        let rows = try DatabaseQueue(path: r.folder + "/runtime.sqlite").read {
            try Row.fetchAll($0, sql: "SELECT id, idempotency_key, status, last_error FROM outbox ORDER BY id")
        }
        for row in rows {
            let key: String = try row.decode(forColumn: "idempotency_key")
            let status: String = try row.decode(forColumn: "status")
            let error: String? = try row.decode(forColumn: "last_error")
            if key.hasSuffix("-date") || key.hasSuffix("-attempts") || key.hasSuffix("-blob") {
                #expect(status == "dead", "\(key)")
                #expect(error?.hasPrefix("stored data could not be read: outbox #") == true, "\(key): \(error ?? "")")
            } else {
                #expect(status == "sent", "\(key): \(error ?? "")")
            }
        }
        #expect(try LeadFlowTests().emails(r).count == 1)
        let dead = try r.store.audit(caseID: "lead-1").filter {
            $0.kind == .dead && $0.detail.contains("stored data could not be read")
        }
        #expect(dead.count == 3, "\(dead.map(\.detail))")
        #expect(dead.contains { $0.detail.contains("\"not a date\"") })
    }

    @Test func theApprovalsPageSkipsAnUnreadableApprovalAndSaysIt() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let insert = """
            INSERT INTO approval (case_id, agent, action, proposed_json, reason, status, created_at)
            VALUES ('c-%@', 'writer', %@, '{}', %@, 'pending', %@)
            """
        try Self.sql(
            r.folder,
            [
                String(format: insert, "good", "'email.send'", "'first contact'", "'2026-03-02 08:00:00.000'"),
                String(format: insert, "date", "'email.send'", "'first contact'", "'not a date'"),
                String(format: insert, "action", "X'ff'", "X'fe'", "'2026-03-02 08:00:00.000'"),
            ])
        let approvals = Approvals(store: r.store)
        let page = try approvals.pendingPage()
        #expect(page.approvals.map(\.caseID) == ["c-good"])
        #expect(page.unreadable.count == 2)
        #expect(page.unreadable.contains { $0.column == "created_at" && $0.value == "\"not a date\"" })
        #expect(try await approvals.pendingPageAsync().approvals.count == 1)
        // `baton approvals list` leaves them out and says them; one asked for by id is a clear error.
        let listing = try approvals.pendingListing()
        #expect(listing.approvals.map(\.caseID) == ["c-good"] && listing.unreadable.count == 2)
        #expect(throws: StoredDataError.self) { try approvals.pending() }
        let badID = try #require(Int64(listing.unreadable[0].row ?? ""))
        #expect(throws: StoredDataError.self) { try approvals.get(badID) }
        let kinds = try await approvals.pendingKindsAsync()
        #expect(kinds.map(\.count).reduce(0, +) == 2)
        let summary = try await approvals.pendingSummaryAsync(.init())
        #expect(summary.count == 3)
        #expect(summary.reasons.map(\.0) == ["first contact"])
    }

    @Test func dashboardTokensAndSessionsThatDoNotReadAreAClearError() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let access = DashboardAccess(store: r.store)
        let good = try access.addToken(hash: "good-hash", label: "good")
        let bad = try access.addToken(hash: "bad-hash", label: "bad")
        try await access.openSession(id: "s-good", csrf: "c1", token: good)
        try await access.openSession(id: "s-bad", csrf: "c2", token: good)
        try Self.sql(
            r.folder,
            [
                "UPDATE dashboard_token SET created_at = 'zzzz' WHERE id = \(bad)",
                "UPDATE dashboard_session SET csrf = X'ff' WHERE id = 's-bad'",
            ])
        let listed = try access.tokenListing()
        #expect(listed.tokens.map(\.id) == [good])
        #expect(listed.unreadable.map(\.row) == [String(bad)])
        #expect(
            listed.unreadable.first?.description.contains("dashboard_token #\(bad) created_at holds \"zzzz\"") == true)
        #expect(throws: StoredDataError.self) { try access.tokens() }
        #expect(try await access.session(id: "s-good")?.csrf == "c1")
        await #expect(throws: StoredDataError.self) { try await access.session(id: "s-bad") }
    }

    @Test func theCRMExportSaysWhichContactDoesNotRead() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let crm = CRMContacts(store: r.store)
        _ = try await crm.importCSV("email,name\na@example.com,Ann\nb@example.com,Bob\nc@example.com,Cy\n")
        try Self.sql(
            r.folder,
            [
                "UPDATE crm_contact SET updated_at = 'zzzz' WHERE email = 'b@example.com'",
                "UPDATE crm_contact SET name = X'ff' WHERE email = 'c@example.com'",
            ])
        let export = try await crm.exportReport()
        #expect(export.csv.contains("a@example.com"))
        #expect(!export.csv.contains("b@example.com") && !export.csv.contains("c@example.com"))
        #expect(export.unreadable.map(\.row) == ["b@example.com", "c@example.com"])
        await #expect(throws: StoredDataError.self) { try await crm.exportCSV() }
    }

    @Test func metricsCountsAndAuditLinesThatDoNotReadAreAClearError() async throws {
        let r = try await Self.withQueuedReply()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let from = Date(timeIntervalSince1970: 0)
        let to = Date(timeIntervalSince1970: 4e9)
        #expect(try await !r.store.auditCounts(from: from, to: to).isEmpty)
        try Self.sql(
            r.folder,
            [
                "INSERT INTO audit (at, case_id, agent, kind, detail) VALUES ('2026-03-02 08:00:00.000', 'x', X'ff', 'note', 'd')",
                "UPDATE outbox SET action = X'fe' WHERE status = 'queued'",
                "INSERT OR REPLACE INTO runtime_count (name, value) VALUES ('events', 'many')",
            ])
        await #expect(throws: StoredDataError.self) { try await r.store.auditCounts(from: from, to: to) }
        await #expect(throws: StoredDataError.self) { try await r.store.metricsFacts(at: LeadFlowTests.monday) }
        try Self.sql(
            r.folder,
            ["INSERT INTO audit (at, case_id, agent, kind, detail) VALUES ('not a date', 'y', 'a', 'note', 'd')"])
        #expect(throws: (any Error).self) { try r.store.audit(caseID: "y") }
    }
}
