/// Welcomes a new client and proposes sending their contract, which always waits for approval.
struct OnboardingSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        let p = input.payload
        var outcome = SkillOutcome()
        guard let to = p["email"], !to.isEmpty else {
            outcome.notes = ["summary": "no email address for the welcome", "confidence": "low"]
            return outcome
        }
        let name = p["name"] ?? "there"
        outcome.actions.append(
            ProposedAction(
                kind: .emailSend,
                payload: [
                    "to": to, "subject": "Welcome to \(input.business.name)",
                    "body": "Hi \(name), welcome aboard! Here is what happens next.\n\n\(input.business.name)",
                ],
                reason: "a new client"))
        outcome.actions.append(
            ProposedAction(kind: .contractSend, payload: ["to": to], reason: "the new client's contract"))
        outcome.emits.append((type: "client.onboarded", payload: [:]))
        outcome.notes = ["summary": "welcomed \(name)"]
        return outcome
    }
}
