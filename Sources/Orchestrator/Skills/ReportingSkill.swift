/// Drafts the weekly figures the clock hands it into the case context for review, and sends them
/// only when its agent may send email (the default reporting agent drafts, it does not send).
struct ReportingSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        let p = input.payload
        var outcome = SkillOutcome()
        let body = """
            Week ending \(p["week_ending"] ?? "today") at \(input.business.name):
              leads answered: \(p["leads_answered"] ?? "0")
              tasks done by the agents: \(p["tasks"] ?? "0")
              decisions escalated to a person: \(p["escalations"] ?? "0")
              refusals: \(p["denials"] ?? "0")
            """
        outcome.notes = ["summary": "weekly figures drafted", "draft": body]
        if let to = p["to"], to.contains("@"), input.agent.permissions.contains("email.send") {
            outcome.actions.append(
                ProposedAction(
                    kind: .emailSend,
                    payload: ["to": to, "subject": "Weekly figures: \(input.business.name)", "body": body],
                    reason: "the weekly report"))
        }
        outcome.emits.append((type: "report.drafted", payload: [:]))
        return outcome
    }
}
