import Foundation
import GRDB

extension RuntimeStore: LeadLedgerStorage {
    package func leadLedger(from: Date, to: Date) async throws -> [LeadRecord] {
        // The period's leads through `event_lead_arrival`; each one's replies through
        // `outbox_case_action`, its spam line through `audit_case`: the cost is the period's leads.
        try await database.read { db in
            try Row.fetchAll(db, sql: Self.leadLedgerSQL, arguments: [from, to]).compactMap { row in
                // A stored date that does not read (a hand edit) leaves that lead out, never stops the report.
                guard let caseID = try? row.stored("case_id", in: "event", key: nil, as: String.self),
                    let received = try? row.decode(Date.self, forColumn: "received")
                else { return nil }
                return LeadRecord(
                    caseID: caseID, received: received,
                    replied: try? row.decode(Date?.self, forColumn: "replied"),
                    replyDue: try? row.decode(Date?.self, forColumn: "due"),
                    waitingForPerson: (try? row.decode(Bool.self, forColumn: "waiting")) ?? false,
                    spam: (try? row.decode(Bool.self, forColumn: "spam")) ?? false,
                    replyFailed: (try? row.decode(Bool.self, forColumn: "failed")) ?? false)
            }
        }
    }

    /// Each lead that arrived in `[?, ?)` and what became of it.
    package static let leadLedgerSQL = """
        SELECT e.case_id AS case_id, min(e.created_at) AS received,
            \(firstReplySQL(caseID: "e.case_id")) AS replied,
            (SELECT min(coalesce(o.next_attempt_at, o.created_at)) FROM outbox o
             WHERE o.case_id = e.case_id AND o.action = 'email.send' AND o.status IN ('queued', 'deferred')) AS due,
            (EXISTS (SELECT 1 FROM approval a WHERE a.case_id = e.case_id AND a.status = 'pending'
                     AND a.action IN ('email.send', 'complaint.reply'))
             OR EXISTS (SELECT 1 FROM outbox o
                        WHERE o.case_id = e.case_id AND o.action = 'email.send' AND o.status = 'held')) AS waiting,
            EXISTS (SELECT 1 FROM audit x WHERE x.case_id = e.case_id AND x.kind = 'spam') AS spam,
            EXISTS (SELECT 1 FROM outbox o
                    WHERE o.case_id = e.case_id AND o.action = 'email.send' AND o.status = 'dead') AS failed
        FROM event e WHERE e.type = 'lead.received' AND e.created_at >= ? AND e.created_at < ?
        GROUP BY e.case_id ORDER BY received, e.case_id
        """

    // What a lead's first response is, written once for the lead ledger's query above, the histogram's
    // trigger and its backfill (RuntimeStore+timeRanges.swift): a lead arrives with its case's
    // first `lead.received` event; its reply is the case's first `email.send` sent.

    /// When the lead of case `caseID` (an SQL expression) arrived; NULL when the case is no lead.
    static func leadArrivalSQL(caseID: String) -> String {
        "(SELECT l.created_at FROM event l WHERE l.case_id = \(caseID) AND l.type = 'lead.received' ORDER BY l.id LIMIT 1)"
    }

    /// When the first reply of case `caseID` (an SQL expression) was sent; NULL before it is.
    static func firstReplySQL(caseID: String) -> String {
        "(SELECT min(o.sent_at) FROM outbox o WHERE o.case_id = \(caseID) AND o.action = 'email.send' AND o.status = 'sent')"
    }
}
