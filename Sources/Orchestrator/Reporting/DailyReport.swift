import Blueprint
import Foundation
import GRDB

/// What every agent did on one day (midnight to midnight in the business's time zone), as
/// Markdown: tasks, actions taken, decisions escalated and their outcomes, edge cases, and KPIs.
public enum DailyReport {
    public static func markdown(_ store: RuntimeStore, blueprint: Blueprint, day: Date) throws -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        let start = calendar.startOfDay(for: day)
        let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86400)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = calendar.timeZone
        formatter.dateFormat = "EEEE d MMMM yyyy"
        let entries = try store.database.read { db in
            try AuditEntry.filter(Column("at") >= start && Column("at") < end).order(Column("id")).fetchAll(db)
        }
        let kpis = try KPIs.measure(store, blueprint: blueprint, from: start, to: end)
        var lines = [
            "# Daily report: \(blueprint.business.name)", "",
            formatter.string(from: start) + " (\(blueprint.business.timeZone))", "",
        ]
        for agent in blueprint.agents {
            let mine = entries.filter { $0.agent == agent.id }
            func count(_ kind: String) -> Int { mine.filter { $0.kind == kind }.count }
            lines.append("## \(agent.id)")
            lines.append("- tasks processed: \(count("skill"))")
            lines.append("- actions taken: \(count("sent"))")
            lines.append(
                "- escalated to a person: \(count("approval")) (approved \(count("approved")), rejected \(count("rejected")), overridden \(count("overridden")))"
            )
            let edge = mine.filter { ["denied", "dead"].contains($0.kind) }
            lines.append(
                "- edge cases: \(edge.isEmpty ? "none" : edge.map { "\($0.kind): \($0.detail)" }.joined(separator: "; "))"
            )
            lines.append("")
        }
        lines.append("## KPIs")
        let p50 = kpis.firstResponseP50Minutes.map { String(format: "%.1f min", $0) } ?? "no replies yet"
        let p90 = kpis.firstResponseP90Minutes.map { String(format: "%.1f min", $0) } ?? "no replies yet"
        lines.append("- leads answered: \(kpis.leadsAnswered); first response p50 \(p50), p90 \(p90)")
        if let baseline = kpis.baselineMinutes, let target = kpis.targetMinutes {
            lines.append("- baseline \(Int(baseline)) min, target \(Int(target)) min")
        }
        lines.append("- escalations: \(kpis.escalations); refusals: \(kpis.denials)")
        return lines.joined(separator: "\n") + "\n"
    }
}
