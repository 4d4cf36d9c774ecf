/// A blueprint in plain words: who does what, who may do what, and what waits for a person.
public enum BlueprintExplainer {
    public static func explain(_ b: Blueprint) -> String {
        var lines: [String] = []
        let hours = b.business.workingHours
        lines.append(
            "\(b.business.name): \(b.agents.count) agent\(b.agents.count == 1 ? "" : "s"), working \(hours.days.joined(separator: ", ")) \(hours.start)–\(hours.end) (\(b.business.timeZone))."
        )
        lines.append("")
        lines.append("Who does what")
        for agent in b.agents {
            let starts = agent.consumes.map { event -> String in
                if b.intake.contains(event) { return "\(event) (from outside)" }
                if event.hasPrefix("schedule.") { return "\(event) (on schedule)" }
                let from = b.handoffs.filter { $0.to == agent.id && $0.event == event }.map(\.from)
                return from.isEmpty ? event : "\(event) (from \(from.joined(separator: ", ")))"
            }
            lines.append("  • \(agent.id): \(agent.role)")
            lines.append(
                "    starts on \(starts.joined(separator: ", ")); then \(agent.emits.isEmpty ? "ends the case" : "emits " + agent.emits.joined(separator: ", "))."
            )
            for h in b.handoffs where h.from == agent.id {
                lines.append("    hands \(h.event) to \(h.to).")
            }
        }
        lines.append("")
        lines.append("Who may do what")
        for agent in b.agents {
            lines.append(
                "  • \(agent.id) may \(agent.permissions.map(PlainWords.scope).joined(separator: ", ")); at most \(agent.limits.actionsPerHour) actions an hour."
            )
            let denied = PlainWords.neverAlone(agent)
            if !denied.isEmpty {
                lines.append(
                    "    It can never do these on its own (the system denies and logs the attempt): \(denied.map(PlainWords.action).joined(separator: ", "))."
                )
            }
        }
        lines.append("")
        lines.append("What waits for a person")
        if b.approvals.isEmpty { lines.append("  Nothing: every allowed action runs by itself.") }
        for rule in b.approvals {
            let action = PlainWords.action(rule.action).capitalizedFirst
            lines.append(
                "  • \(action) (\(rule.action)), \(PlainWords.condition(rule.when)): \(rule.approver) approves; after \(rule.timeout.after) with no answer, \(rule.timeout.then)\(rule.timeout.to.map { " to \($0)" } ?? "")."
            )
        }
        lines.append("")
        lines.append(
            "Connections: email \(b.connectors.email.kind), calendar \(b.connectors.calendar.kind), CRM \(b.connectors.crm.kind), forms \(b.connectors.forms.kind)."
        )
        lines.append(
            "Daily report at \(b.schedules.dailyReport.time) to \(b.schedules.dailyReport.recipients.joined(separator: ", "))."
        )
        if let p = b.provenance {
            lines.append(
                "Built from assessment \(p.assessmentID) on \(p.date) (answers \(p.answersFingerprint.prefix(19))…).")
        }
        for kpi in b.kpis {
            lines.append(
                "Measured: \(kpi.name), from \(Self.number(kpi.baseline)) to \(Self.number(kpi.target)) \(kpi.unit)\(kpi.source.map { " (baseline: \($0))" } ?? "").")
            if let e = kpi.estimate {
                lines.append(
                    "  estimated as \(e.agent)'s tasks × \(Self.number(e.minutesPerTask)) min each (\(e.source)).")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func number(_ n: Double) -> String {
        n == n.rounded() ? String(Int(n)) : String(n)
    }
}

extension String {
    /// The text with its first letter in upper case.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
