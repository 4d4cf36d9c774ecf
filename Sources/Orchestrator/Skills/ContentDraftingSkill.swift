/// Drafts a post from the owner's notes; publishing waits for approval.
struct ContentDraftingSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        let notes = input.payload["notes"] ?? ""
        var outcome = SkillOutcome()
        let draft = notes.isEmpty ? "News from \(input.business.name)." : "\(notes)\n\n— \(input.business.name)"
        outcome.actions.append(
            ProposedAction(kind: .contentPublish, payload: ["body": draft], reason: "a post drafted from the notes"))
        outcome.emits.append((type: "post.drafted", payload: [:]))
        outcome.notes = ["summary": "drafted a post", "confidence": notes.isEmpty ? "low" : "high"]
        return outcome
    }
}
