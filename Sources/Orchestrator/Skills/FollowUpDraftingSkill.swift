/// Drafts the reply to a qualified lead and asks the scheduler for times. A lead asking for a
/// contract or a quote gets a proposal to send one, which the policy gate then judges.
struct FollowUpDraftingSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        // The lead's own fields, as intake recorded them in the case context.
        let p = input.context["intake"] ?? input.payload
        let name = p["name"] ?? "there"
        var outcome = SkillOutcome()
        outcome.notes = [
            "draft": "Hi \(name), thanks for reaching out to \(input.business.name). We would be glad to help.",
            "summary": "reply drafted for \(name)",
        ]
        let message = (p["message"] ?? "").lowercased()
        if message.contains("contract") || message.contains("quote") {
            outcome.actions.append(
                ProposedAction(
                    kind: "contract.send", payload: ["to": p["email"] ?? ""],
                    reason: "the lead asked for a contract or quote"))
        }
        outcome.emits.append((type: "meeting.requested", payload: [:]))
        return outcome
    }
}
