/// Records a receipt in the built-in ledger; an amount above `flag_above` is left for a person,
/// with low confidence, instead of being recorded.
struct BookkeepingSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        let p = input.payload
        var outcome = SkillOutcome()
        let amount = Double(p["amount"] ?? "") ?? 0
        var limit = 500.0
        if case .number(let n) = input.agent.settings["flag_above"] { limit = n }
        if amount > limit || amount <= 0 {
            outcome.notes = ["summary": "receipt of \(p["amount"] ?? "?") left for a person", "confidence": "low"]
            return outcome
        }
        outcome.actions.append(
            ProposedAction(
                kind: .transactionRecord, payload: ["vendor": p["vendor"] ?? "unknown", "amount": p["amount"] ?? ""],
                reason: "a receipt under the flag amount"))
        outcome.emits.append((type: "transaction.recorded", payload: [:]))
        outcome.notes = [
            "summary": "recorded \(p["amount"] ?? "") from \(p["vendor"] ?? "unknown")", "confidence": "high",
        ]
        return outcome
    }
}
