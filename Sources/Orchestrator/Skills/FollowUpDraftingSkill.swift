import Blueprint

/// Drafts the reply to a qualified lead, asks the scheduler for times, and sets itself a reminder
/// to follow up again after `follow_up_after_days`. A lead asking for a contract or a quote gets a
/// proposal to send one, which the policy gate then judges.
struct FollowUpDraftingSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) async -> SkillOutcome {
        // The lead's own fields, as intake recorded them in the case context.
        let p = input.context["intake"] ?? input.payload
        let name = p["name"] ?? "there"
        var outcome = SkillOutcome()
        if input.event.type == "followup.due" {
            outcome.notes = ["summary": "second follow-up to \(name)", "followed_up": "yes"]
            if let to = p["email"], !to.isEmpty {
                outcome.actions.append(
                    ProposedAction(
                        kind: .emailSend,
                        payload: [
                            "to": to, "subject": "Following up: \(input.business.name)",
                            "body":
                                "Hi \(name), just checking in: are you still looking for help? Reply to this email and we will find a time.\n\n\(input.business.name)",
                        ],
                        reason: "no booking yet after the first reply"))
            }
            outcome.emits.append((type: "followup.sent", payload: [:]))
            return outcome
        }
        outcome.notes = [
            "draft": "Hi \(name), thanks for reaching out to \(input.business.name). We would be glad to help.",
            "summary": "reply drafted for \(name)",
        ]
        if let model = tools.model {
            // The model may draft (and propose); its answer is used only if it fits the schema.
            let lead = ["name": name, "message": p["message"] ?? "", "business": input.business.name]
            let answer = await model.answer(system: ModelDraft.instructions, user: StringMapJSON.encode(lead))
            switch answer.flatMap(ModelDraft.read) {
            case .success(let drafted):
                outcome.notes["draft"] = drafted.draft
                outcome.notes["drafted_by"] = "model"
                outcome.actions += drafted.actions
            case .failure(let problem):
                outcome.notes["drafted_by"] = "rules (the model's answer was not used: \(problem))"
            }
        }
        let message = (p["message"] ?? "").lowercased()
        if message.contains("contract") || message.contains("quote") {
            outcome.actions.append(
                ProposedAction(
                    kind: .contractSend, payload: ["to": p["email"] ?? ""],
                    reason: "the lead asked for a contract or quote"))
        }
        outcome.emits.append((type: "meeting.requested", payload: [:]))
        var days = 2
        if case .number(let n) = input.agent.settings["follow_up_after_days"] { days = Int(n) }
        outcome.delayed.append((type: "followup.due", afterDays: days))
        return outcome
    }
}
