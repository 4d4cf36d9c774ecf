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
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.created_at AS received, min(o.sent_at) AS replied FROM event e
                    JOIN outbox o ON o.case_id = e.case_id AND o.action = 'email.send' AND o.status = 'sent'
                    WHERE e.type = 'lead.received' AND e.created_at >= ? AND e.created_at < ?
                    GROUP BY e.case_id
                    """, arguments: [from, to])
            let minutes = rows.compactMap { row -> Double? in
                guard let received: Date = row["received"], let replied: Date = row["replied"] else { return nil }
                return max(0, replied.timeIntervalSince(received) / 60)
            }.sorted()
            func percentile(_ p: Double) -> Double? {
                guard !minutes.isEmpty else { return nil }
                return minutes[min(minutes.count - 1, Int((p * Double(minutes.count - 1)).rounded()))]
            }
            var tasks: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT agent, count(*) AS n FROM audit WHERE kind = 'skill' AND at >= ? AND at < ? GROUP BY agent",
                arguments: [from, to])
            {
                tasks[row["agent"] ?? "?"] = row["n"]
            }
            func count(_ kind: String) throws -> Int {
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM audit WHERE kind = ? AND at >= ? AND at < ?",
                    arguments: [kind, from, to]) ?? 0
            }
            let lead = blueprint.kpis.first { $0.id == "lead_first_response" }
            return KPIs(
                leadsAnswered: minutes.count, firstResponseP50Minutes: percentile(0.5),
                firstResponseP90Minutes: percentile(0.9),
                baselineMinutes: lead?.baseline, targetMinutes: lead?.target, tasksPerAgent: tasks,
                escalations: try count("approval"),
                denials: try count("denied"))
        }
    }
}
