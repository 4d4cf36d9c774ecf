import Foundation

/// The runtime's figures in the Prometheus text format (version 0.0.4), for `GET /metrics`.
public enum RuntimeMetrics {
    /// Upper bounds of the lead response time histogram, in seconds: a second to four hours.
    static var buckets: [Double] { RuntimeStore.leadResponseBuckets }

    /// The figures, read in one go (through the store's async read: `GET /metrics` must not block a
    /// thread of the cooperative pool).
    package static func prometheus(_ store: any RuntimeStorage) async throws -> String {
        var facts = try await store.metricsFacts(at: store.clock())
        // Deferred by the hourly limits: waiting, not sent.
        let deferred = try await store.deferredActions()
        for group in deferred { facts.waitingActions[group.action, default: [:]]["deferred", default: 0] += group.count }
        return prometheus(facts, deferred: deferred)
    }

    static func prometheus(_ facts: MetricsFacts, deferred: [DeferredActions] = []) -> String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String) {
            lines += ["# HELP \(name) \(help)", "# TYPE \(name) \(type)"]
        }
        // Prometheus types: a `counter` only for totals that never go down; a count that can go
        // down (events waiting, actions queued, approvals pending, dead letters) is a `gauge`.
        let counts = facts.totals
        let (ready, delayed, dueDelayed, dead) = (facts.ready, facts.delayed, facts.dueDelayed, facts.dead)
        let total = counts["events"] ?? 0
        let cancelled = counts["events.cancelled"] ?? 0
        let byStatus = [
            ("cancelled", cancelled), ("dead", dead), ("done", total - ready - delayed - dead - cancelled),
            ("pending", ready + delayed),
        ].filter { $0.1 > 0 }
        family("baton_events_total", "counter", "Events stored since the store was made.")
        lines.append("baton_events_total \(total)")
        family("baton_events", "gauge", "Events now in each processing status.")
        for (status, n) in byStatus { lines.append("baton_events{status=\"\(status)\"} \(n)") }
        family(
            "baton_dead_letters", "gauge",
            "Events whose processing failed every try, waiting for a person (`baton event retry ID`).")
        lines.append("baton_dead_letters \(dead)")
        // Per action: the total, the dead (counted), those waiting (indexed by status); sent is the rest.
        var byAction: [String: Int] = [:]
        var actions = facts.waitingActions
        for (name, value) in counts where name.hasPrefix("actions.") && value > 0 {
            byAction[String(name.dropFirst("actions.".count))] = value
        }
        for (name, value) in counts where name.hasPrefix("actions_dead.") && value > 0 {
            actions[String(name.dropFirst("actions_dead.".count)), default: [:]]["dead"] = value
        }
        for (action, total) in byAction {
            let sent = total - actions[action, default: [:]].values.reduce(0, +)
            if sent > 0 { actions[action, default: [:]]["sent"] = sent }
        }
        family("baton_actions_total", "counter", "Actions put in the outbox since the store was made, by action.")
        for action in byAction.keys.sorted() {
            lines.append("baton_actions_total{action=\"\(action)\"} \(byAction[action]!)")
        }
        family(
            "baton_actions", "gauge", "Actions now in each outbox status (queued, deferred, held, sent, dead), by action.")
        for action in actions.keys.sorted() {
            for (status, n) in actions[action]!.sorted(by: { $0.key < $1.key }) where n > 0 {
                lines.append("baton_actions{action=\"\(action)\",status=\"\(status)\"} \(n)")
            }
        }
        family(
            "baton_deferred_until_seconds", "gauge",
            "When the last action an agent's hourly limit deferred goes (Unix time), for agents with deferred actions.")
        var until: [String: Date] = [:]
        for group in deferred { until[group.agent] = max(until[group.agent] ?? group.last, group.last) }
        for agent in until.keys.sorted() {
            lines.append(
                "baton_deferred_until_seconds{agent=\"\(agent)\"} \(Int(until[agent]!.timeIntervalSince1970.rounded(.up)))")
        }
        family("baton_approvals_pending", "gauge", "Approvals waiting for a person.")
        lines.append("baton_approvals_pending \(facts.approvalsPending)")
        family("baton_queue_depth", "gauge", "Work waiting now: events due and actions queued.")
        let queued = facts.waitingActions.values.reduce(0) { $0 + ($1["queued"] ?? 0) }
        lines.append("baton_queue_depth{kind=\"events\"} \(ready + dueDelayed)")
        lines.append("baton_queue_depth{kind=\"actions\"} \(queued)")
        family("baton_lead_response_seconds", "histogram", "From a lead's arrival to its first reply sent.")
        var cumulative = 0
        for bound in buckets {
            cumulative += counts["lead_response." + RuntimeStore.bucketName(bound)] ?? 0
            lines.append("baton_lead_response_seconds_bucket{le=\"\(format(bound))\"} \(cumulative)")
        }
        cumulative += counts["lead_response.+Inf"] ?? 0
        lines.append("baton_lead_response_seconds_bucket{le=\"+Inf\"} \(cumulative)")
        lines.append("baton_lead_response_seconds_sum \(format(Double(counts["lead_response_ms"] ?? 0) / 1000))")
        lines.append("baton_lead_response_seconds_count \(cumulative)")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.3f", value)
    }
}
