import Foundation
import GRDB

extension RuntimeStore: OutcomeStorage {
    /// Registers the index the approval turnaround is read through: decided approvals by the time
    /// of their decision (a pending one is not in it).
    static func registerOutcomeMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("outcomes: approvals by decision time") { db in
            try db.execute(sql: "CREATE INDEX approval_decided ON approval (decided_at) WHERE decided_at IS NOT NULL")
        }
    }

    package func leadsAnsweredAfterApproval(from: Date, to: Date) async throws -> Set<String> {
        // The period's leads through `event_lead_arrival`, each one's first reply sent through
        // `outbox_case_action`: an approved action is queued under the key `approval-ID`.
        try await database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.case_id AS case_id,
                        (SELECT o.idempotency_key FROM outbox o
                         WHERE o.case_id = e.case_id AND o.action = 'email.send' AND o.status = 'sent'
                         ORDER BY o.sent_at, o.id LIMIT 1) AS first_key
                    FROM event e WHERE e.type = 'lead.received' AND e.created_at >= ? AND e.created_at < ?
                    GROUP BY e.case_id
                    """, arguments: [from, to])
            var cases: Set<String> = []
            for row in rows {
                guard let caseID = try? row.stored("case_id", in: "event", key: nil, as: String.self),
                    let key = (try? row.decode(String?.self, forColumn: "first_key")) ?? nil,
                    key.hasPrefix("approval-")
                else { continue }
                cases.insert(caseID)
            }
            return cases
        }
    }

    package func approvalDecisions(from: Date, to: Date) async throws -> [ApprovalDecision] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT created_at, decided_at FROM approval
                    WHERE decided_at IS NOT NULL AND decided_at >= ? AND decided_at < ? ORDER BY decided_at
                    """, arguments: [from, to]
            ).compactMap { row in
                // A stored date that does not read (a hand edit) leaves that approval out.
                guard let asked = try? row.decode(Date.self, forColumn: "created_at"),
                    let decided = try? row.decode(Date.self, forColumn: "decided_at")
                else { return nil }
                return ApprovalDecision(asked: asked, decided: decided)
            }
        }
    }

    package func booksOutcome(from: Date, to: Date) async throws -> BooksOutcome? {
        let (start, end) = (StoredDate.text(from), StoredDate.text(to))
        return try await database.read { db -> BooksOutcome? in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM invoice)") == true else { return nil }
            var outcome = BooksOutcome()
            // Through `invoice_reminder_time` and `invoice_settled`.
            for row in try Row.fetchAll(
                db, sql: "SELECT raised_at FROM invoice_reminder WHERE raised_at >= ? AND raised_at < ?",
                arguments: [start, end])
            {
                if let at = try? row.decode(Date.self, forColumn: "raised_at") { outcome.chased.append(at) }
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT settled_at, issued_on FROM invoice
                    WHERE settled_at IS NOT NULL AND settled_at >= ? AND settled_at < ? AND status = 'paid'
                    ORDER BY settled_at, number
                    """, arguments: [start, end])
            {
                guard let settled = try? row.decode(Date.self, forColumn: "settled_at") else { continue }
                let issued = ((try? row.decode(String?.self, forColumn: "issued_on")) ?? nil).flatMap(
                    LocalDate.init(iso:))
                outcome.paid.append((settled, issued))
            }
            return outcome
        }
    }

    package func firstActivity() async throws -> Date? {
        // The first row of `audit_at`.
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT min(at) AS at FROM audit").flatMap {
                (try? $0.decode(Date?.self, forColumn: "at")) ?? nil
            }
        }
    }
}
