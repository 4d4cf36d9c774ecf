import Blueprint
import Foundation

extension DailyReport {
    /// What the agents' hourly limits deferred, one line per agent: how many of its actions were
    /// deferred in the period (`deferred` audit lines, counted in `counts`), and those still waiting
    /// now by action, with when the first and the last go in the business's time zone.
    static func deferredLines(
        _ store: any RuntimeStorage, blueprint: Blueprint, counts: [String: [AuditKind: Int]]
    ) async throws -> [String] {
        let waiting = try await store.deferredActions()
        let zone = blueprint.business.timeZone
        return blueprint.agents.compactMap { agent in
            let period = counts[agent.id]?[.deferred] ?? 0
            let now = waiting.filter { $0.agent == agent.id }
            guard period > 0 || !now.isEmpty else { return nil }
            var line =
                "\(agent.id) (limit \(agent.limits.actionsPerHour) actions an hour): \(period) deferred in this period"
            for group in now {
                line +=
                    "; \(group.count) \(group.action) still deferred, going from \(ApprovalNotice.time(group.first, in: zone)) to \(ApprovalNotice.time(group.last, in: zone))"
            }
            return line
        }
    }
}
