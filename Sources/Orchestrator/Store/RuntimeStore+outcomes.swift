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

    /// Registers the index the inquiry ledger is read through: inquiries by arrival (only those are in it).
    static func registerInquiryMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("outcomes: inquiries by arrival") { db in
            try db.execute(
                sql: "CREATE INDEX event_inquiry_arrival ON event (created_at) WHERE type = 'inquiry.received'")
        }
    }

    package func inquiryLedger(from: Date, to: Date) async throws -> [InquiryRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: Self.inquiryLedgerSQL, arguments: [from, to]).compactMap { row in
                // A stored date that does not read (a hand edit) leaves that inquiry out.
                guard let caseID = try? row.stored("case_id", in: "event", key: nil, as: String.self),
                    let received = try? row.decode(Date.self, forColumn: "received")
                else { return nil }
                let answered = (try? row.decode(Date?.self, forColumn: "answered")) ?? nil
                return InquiryRecord(
                    caseID: caseID, received: received, answered: answered,
                    waitingForPerson: answered == nil && ((try? row.decode(Bool.self, forColumn: "waiting")) ?? false))
            }
        }
    }

    /// Each inquiry whose case's first `inquiry.received` arrived in `[?, ?)`, through
    /// `event_inquiry_arrival`; its case's other rows through `event_case`, `outbox_case_action` and
    /// the approvals of the case: the cost is the period's inquiries.
    package static let inquiryLedgerSQL = """
        SELECT e.case_id AS case_id, e.created_at AS received,
            (SELECT min(o.sent_at) FROM outbox o WHERE o.case_id = e.case_id
             AND o.action IN ('email.send', 'complaint.reply') AND o.status = 'sent') AS answered,
            (EXISTS (SELECT 1 FROM approval a WHERE a.case_id = e.case_id AND a.status = 'pending')
             OR EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = e.case_id
                        AND o.action IN ('email.send', 'complaint.reply') AND o.status = 'held')
             OR EXISTS (SELECT 1 FROM event x WHERE x.case_id = e.case_id AND x.type = 'complaint.escalated'))
                AS waiting
        FROM event e
        WHERE e.type = 'inquiry.received' AND e.created_at >= ? AND e.created_at < ?
            AND NOT EXISTS (SELECT 1 FROM event p WHERE p.case_id = e.case_id AND p.type = 'inquiry.received'
                            AND (p.created_at < e.created_at OR (p.created_at = e.created_at AND p.id < e.id)))
            AND NOT EXISTS (SELECT 1 FROM event l WHERE l.case_id = e.case_id AND l.type = 'lead.received')
        ORDER BY e.created_at, e.case_id
        """

    package func leadsAnsweredAfterApproval(from: Date, to: Date) async throws -> Set<String> {
        // The period's leads through `event_lead_arrival`, each one's first reply sent through
        // `outbox_case_action`: an approved action is queued under the key `approval-ID`.
        try await database.read { db in
            let rows = try Row.fetchAll(db, sql: Self.leadsFirstReplySQL, arguments: [from, to])
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

    /// Each lead that arrived in `[?, ?)` with the key of its first reply sent (an approved action is
    /// queued under the key `approval-ID`).
    package static let leadsFirstReplySQL = """
        SELECT e.case_id AS case_id,
            (SELECT o.idempotency_key FROM outbox o
             WHERE o.case_id = e.case_id AND o.action = 'email.send' AND o.status = 'sent'
             ORDER BY o.sent_at, o.id LIMIT 1) AS first_key
        FROM event e WHERE e.type = 'lead.received' AND e.created_at >= ? AND e.created_at < ?
        GROUP BY e.case_id
        """

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
