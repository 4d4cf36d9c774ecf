import Foundation
import GRDB

/// The runtime's figures in the Prometheus text format (version 0.0.4), for `GET /metrics`.
public enum RuntimeMetrics {
    /// Upper bounds of the lead response time histogram, in seconds: a second to four hours.
    static let buckets: [Double] = [1, 5, 30, 60, 300, 900, 3600, 14_400]

    public static func prometheus(_ store: RuntimeStore) throws -> String {
        let now = store.clock()
        return try store.database.read { db in
            var lines: [String] = []
            func family(_ name: String, _ type: String, _ help: String) {
                lines += ["# HELP \(name) \(help)", "# TYPE \(name) \(type)"]
            }
            // Prometheus types: a `counter` only for totals that never go down; a count that can go
            // down (events waiting, actions queued, approvals pending, dead letters) is a `gauge`.
            let events = try Row.fetchAll(
                db, sql: "SELECT status, count(*) AS n FROM event GROUP BY status ORDER BY status")
            family("baton_events_total", "counter", "Events stored since the store was made.")
            lines.append("baton_events_total \(events.reduce(0) { $0 + ($1["n"] as Int) })")
            family("baton_events", "gauge", "Events now in each processing status.")
            for row in events {
                lines.append("baton_events{status=\"\(row["status"] as String)\"} \(row["n"] as Int)")
            }
            family(
                "baton_dead_letters", "gauge",
                "Events whose processing failed every try, waiting for a person (`baton event retry ID`).")
            lines.append(
                "baton_dead_letters \(try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE status = 'dead'") ?? 0)"
            )
            let actions = try Row.fetchAll(
                db,
                sql: "SELECT action, status, count(*) AS n FROM outbox GROUP BY action, status ORDER BY action, status")
            family("baton_actions_total", "counter", "Actions put in the outbox since the store was made, by action.")
            var byAction: [String: Int] = [:]
            for row in actions { byAction[row["action"] as String, default: 0] += row["n"] as Int }
            for action in byAction.keys.sorted() {
                lines.append("baton_actions_total{action=\"\(action)\"} \(byAction[action]!)")
            }
            family("baton_actions", "gauge", "Actions now in each outbox status (queued, held, sent, dead), by action.")
            for row in actions {
                lines.append(
                    "baton_actions{action=\"\(row["action"] as String)\",status=\"\(row["status"] as String)\"} \(row["n"] as Int)"
                )
            }
            family("baton_approvals_pending", "gauge", "Approvals waiting for a person.")
            lines.append(
                "baton_approvals_pending \(try Int.fetchOne(db, sql: "SELECT count(*) FROM approval WHERE status = 'pending'") ?? 0)"
            )
            family("baton_queue_depth", "gauge", "Work waiting now: events due and actions queued.")
            let due =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM event WHERE status = 'pending' AND (due_at IS NULL OR due_at <= ?)",
                    arguments: [now]) ?? 0
            let queued = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE status = 'queued'") ?? 0
            lines.append("baton_queue_depth{kind=\"events\"} \(due)")
            lines.append("baton_queue_depth{kind=\"actions\"} \(queued)")
            family("baton_lead_response_seconds", "histogram", "From a lead's arrival to its first reply sent.")
            let seconds = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.created_at AS received, min(o.sent_at) AS replied FROM event e
                    JOIN outbox o ON o.case_id = e.case_id AND o.action = 'email.send' AND o.status = 'sent'
                    WHERE e.type = 'lead.received' GROUP BY e.case_id
                    """
            ).compactMap { row -> Double? in
                guard let received: Date = row["received"], let replied: Date = row["replied"] else { return nil }
                return max(0, replied.timeIntervalSince(received))
            }
            for bound in buckets {
                lines.append(
                    "baton_lead_response_seconds_bucket{le=\"\(format(bound))\"} \(seconds.filter { $0 <= bound }.count)"
                )
            }
            lines.append("baton_lead_response_seconds_bucket{le=\"+Inf\"} \(seconds.count)")
            lines.append("baton_lead_response_seconds_sum \(format(seconds.reduce(0, +)))")
            lines.append("baton_lead_response_seconds_count \(seconds.count)")
            return lines.joined(separator: "\n") + "\n"
        }
    }

    private static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.3f", value)
    }
}
