import Blueprint

/// Scores a lead against the rubric in its agent's settings and hands qualified leads on.
/// It reads only the lead's fields; whatever the lead's message says is data, never instructions.
struct LeadQualificationSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        let p = input.payload
        let rubric: [String: SettingValue]
        if case .map(let m) = input.agent.settings["rubric"] { rubric = m } else { rubric = [:] }
        var threshold = 60.0
        if case .number(let n) = rubric["fit_threshold"] { threshold = n }
        var signals: [String] = []
        if !(p["budget"] ?? "").isEmpty { signals.append("budget_stated") }
        if !(p["postal_code"] ?? p["city"] ?? "").isEmpty { signals.append("in_service_area") }
        let timeline = (p["timeline"] ?? "").lowercased()
        if ["asap", "week", "month", "urgent", "today"].contains(where: timeline.contains) {
            signals.append("timeline_within_month")
        }
        let contactable = !(p["email"] ?? "").isEmpty
        let score = min(100, 40 + 20 * signals.count) * (contactable ? 1 : 0)
        var outcome = SkillOutcome()
        outcome.notes = [
            "score": "\(score)", "signals": signals.joined(separator: ","),
            "confidence": signals.count >= 2 ? "high" : "low",
            "summary":
                "\(p["name"] ?? "A lead") scored \(score) (\(signals.isEmpty ? "no signals" : signals.joined(separator: ", ")))",
        ]
        outcome.actions.append(
            ProposedAction(kind: .crmUpdate, payload: ["score": "\(score)"], reason: "record the lead score"))
        if Double(score) >= threshold {
            outcome.emits.append((type: "lead.qualified", payload: ["score": "\(score)"]))
        }
        return outcome
    }
}
