import Blueprint
import Foundation

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
    package static func measure(
        _ store: any RuntimeStorage, blueprint: Blueprint, from: Date = .distantPast, to: Date = .distantFuture
    ) async throws -> KPIs {
        let minutes = try await store.leadResponses(from: from, to: to).compactMap { lead -> Double? in
            guard let replied = lead.replied else { return nil }
            return max(0, replied.timeIntervalSince(lead.received) / 60)
        }.sorted()
        func percentile(_ p: Double) -> Double? {
            guard !minutes.isEmpty else { return nil }
            return minutes[min(minutes.count - 1, Int((p * Double(minutes.count - 1)).rounded()))]
        }
        var tasks: [String: Int] = [:]
        var kinds: [AuditKind: Int] = [:]
        for row in try await store.auditCounts(from: from, to: to) {
            kinds[row.kind, default: 0] += row.count
            if row.kind == .skill { tasks[row.agent ?? "?", default: 0] += row.count }
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
