import Foundation
import GRDB

/// What `baton prune` removed.
public struct PruneSummary: Sendable, Equatable, Encodable {
    /// Cases closed before the cut (their latest event before it, nothing of theirs waiting).
    public var closedCases = 0
    /// Cases with events before the cut that were left alone because something of theirs still waits.
    public var openCases = 0
    public var eventPayloads = 0
    public var contexts = 0
    public var outboxPayloads = 0
    public var approvalEvidence = 0
    public var auditLines = 0

    enum CodingKeys: String, CodingKey {
        case closedCases = "closed_cases", openCases = "open_cases", eventPayloads = "event_payloads"
        case contexts, outboxPayloads = "outbox_payloads", approvalEvidence = "approval_evidence"
        case auditLines = "audit_lines"
    }
}

/// Retention: old detail goes, the figures stay.
extension RuntimeStore {
    /// Audit kinds whose text the daily report prints (its edge cases) or a person needs to act on a
    /// dead letter: their detail is kept when older lines lose theirs.
    package static let keptAuditDetail: [AuditKind] = AuditKind.edgeCases + [.failed]

    /// Removes what is bulky and no longer needed from before `cut`, keeping every row the KPIs, the
    /// daily report, `/metrics` and `baton cases list` count, so their figures for any day stay the same:
    ///
    /// - audit lines before `cut` lose their notes (the agents' handoffs) and their detail, except
    ///   the edge cases the daily report prints (denied, dead, timeout, failed); kind, agent, case and
    ///   time stay;
    /// - of each **closed** case (its latest event and audit line before `cut`, no pending or dead
    ///   event, no queued or held action, no pending approval): the event payloads, the shared context (its version
    ///   moves on, so a writer that read it before notices), the payloads of its sent and dead
    ///   actions, and the evidence (the context copy) of its decided approvals; what was proposed,
    ///   approved and sent stays.
    ///
    /// Pending events, the outbox's waiting work and pending approvals are never touched. It runs in
    /// one write transaction; pruning twice removes nothing more.
    @discardableResult
    public func prune(before cut: Date) throws -> PruneSummary {
        try database.write { try Self.prune($0, before: cut) }
    }

    static func prune(_ db: Database, before cut: Date) throws -> PruneSummary {
        var summary = PruneSummary()
        try db.execute(sql: "DROP TABLE IF EXISTS temp.prune_case")
        try db.execute(
            sql: """
                CREATE TEMP TABLE prune_case AS
                SELECT case_id, max(created_at) < ? AND sum(status IN ('pending', 'dead')) = 0 AS closed
                FROM event GROUP BY case_id HAVING min(created_at) < ?
                """, arguments: [cut, cut])
        try db.execute(
            sql: """
                UPDATE temp.prune_case SET closed = 0 WHERE closed AND (
                    case_id IN (SELECT case_id FROM outbox WHERE status IN ('queued', 'held'))
                    OR case_id IN (SELECT case_id FROM approval WHERE status = 'pending')
                    OR case_id IN (SELECT case_id FROM audit WHERE at >= ?))
                """, arguments: [cut])
        summary.closedCases = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.prune_case WHERE closed") ?? 0
        summary.openCases = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.prune_case WHERE NOT closed") ?? 0
        let closed = "case_id IN (SELECT case_id FROM temp.prune_case WHERE closed)"
        try db.execute(
            sql:
                "UPDATE event SET payload_json = '{}' WHERE \(closed) AND status IN ('done', 'cancelled') AND payload_json <> '{}'"
        )
        summary.eventPayloads = db.changesCount
        try db.execute(
            sql:
                "UPDATE case_context SET context_json = '{}', version = version + 1 WHERE \(closed) AND context_json <> '{}'"
        )
        summary.contexts = db.changesCount
        try db.execute(
            sql:
                "UPDATE outbox SET payload_json = '{}' WHERE \(closed) AND status IN ('sent', 'dead') AND payload_json <> '{}'"
        )
        summary.outboxPayloads = db.changesCount
        try db.execute(
            sql: """
                UPDATE approval SET evidence_json = NULL
                WHERE \(closed) AND status <> 'pending' AND evidence_json IS NOT NULL
                """)
        summary.approvalEvidence = db.changesCount
        let kept = Self.keptAuditDetail.map { "'\($0)'" }.joined(separator: ", ")
        try db.execute(
            sql: """
                UPDATE audit SET notes_json = NULL, detail = CASE WHEN kind IN (\(kept)) THEN detail ELSE '' END
                WHERE at < ? AND (notes_json IS NOT NULL OR (detail <> '' AND kind NOT IN (\(kept))))
                """, arguments: [cut])
        summary.auditLines = db.changesCount
        try db.execute(sql: "DROP TABLE temp.prune_case")
        return summary
    }

    /// When the newest event was stored (nil for an empty store): `baton prune` refuses a cut after it.
    public func newestEventTime() throws -> Date? {
        try database.read { db in
            try Date.fetchOne(db, sql: "SELECT created_at FROM event ORDER BY id DESC LIMIT 1")
        }
    }
}
