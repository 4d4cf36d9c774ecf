import Blueprint
import Foundation
import GRDB

/// The measured KPIs: lead first-response time against the blueprint's baseline and target, work
/// per agent, escalations and refusals. Computed from the events, the outbox and the audit log.
public struct KPIs: Codable, Sendable, Equatable {
    public var leadsAnswered: Int
    /// Minutes from a lead's arrival to its first reply leaving, 50th and 90th percentile.
    public var firstResponseP50Minutes: Double?
    public var firstResponseP90Minutes: Double?
    public var baselineMinutes: Double?
    public var targetMinutes: Double?
    public var tasksPerAgent: [String: Int]
    public var escalations: Int
    public var denials: Int

    enum CodingKeys: String, CodingKey {
        case escalations, denials
        case leadsAnswered = "leads_answered", firstResponseP50Minutes = "first_response_p50_minutes"
        case firstResponseP90Minutes = "first_response_p90_minutes", baselineMinutes = "baseline_minutes"
        case targetMinutes = "target_minutes", tasksPerAgent = "tasks_per_agent"
    }

    /// Measures the store, optionally only between two moments.
    public static func measure(
        _ store: RuntimeStore, blueprint: Blueprint, from: Date = .distantPast, to: Date = .distantFuture
    ) throws -> KPIs {
        try store.database.read { db in
            // The leads that arrived in the period, through `event_lead_arrival` (only leads are in it),
            // each with its first reply sent through `outbox_case_action`: the cost is the period's leads.
            let rows = try Row.fetchAll(db, sql: leadResponseSQL, arguments: [from, to])
            let minutes = rows.compactMap { row -> Double? in
                guard let received: Date = row["received"], let replied: Date = row["replied"] else { return nil }
                return max(0, replied.timeIntervalSince(received) / 60)
            }.sorted()
            func percentile(_ p: Double) -> Double? {
                guard !minutes.isEmpty else { return nil }
                return minutes[min(minutes.count - 1, Int((p * Double(minutes.count - 1)).rounded()))]
            }
            // The period's audit lines through `audit_at`, counted by agent and kind in one pass.
            var tasks: [String: Int] = [:]
            var kinds: [AuditKind: Int] = [:]
            for row in try Row.fetchAll(db, sql: auditCountSQL, arguments: [from, to]) {
                let kind: AuditKind = row["kind"]
                let n: Int = row["n"]
                kinds[kind, default: 0] += n
                if kind == .skill { tasks[row["agent"] ?? "?", default: 0] += n }
            }
            let lead = blueprint.kpis.first { $0.id == "lead_first_response" }
            return KPIs(
                leadsAnswered: minutes.count, firstResponseP50Minutes: percentile(0.5),
                firstResponseP90Minutes: percentile(0.9),
                baselineMinutes: lead?.baseline, targetMinutes: lead?.target, tasksPerAgent: tasks,
                escalations: kinds[.approval] ?? 0,
                denials: kinds[.denied] ?? 0)
        }
    }

    /// Each lead that arrived in `[?, ?)` (first arrival per case), with its first reply sent.
    static let leadResponseSQL = """
        SELECT min(e.created_at) AS received,
            (SELECT min(o.sent_at) FROM outbox o
             WHERE o.case_id = e.case_id AND o.action = 'email.send' AND o.status = 'sent') AS replied
        FROM event e WHERE e.type = 'lead.received' AND e.created_at >= ? AND e.created_at < ?
        GROUP BY e.case_id
        """

    /// The audit lines of `[?, ?)` the KPIs and the daily report count, by agent and kind.
    static let auditCountSQL = """
        SELECT agent, kind, count(*) AS n FROM audit WHERE at >= ? AND at < ? GROUP BY agent, kind
        """
}
