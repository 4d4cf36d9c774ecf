import Foundation

/// Records a receipt in the built-in ledger; an amount above `flag_above` is left for a person,
/// with low confidence, instead of being recorded.
struct BookkeepingSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        let p = input.payload
        var outcome = SkillOutcome()
        // Money is read exactly (`$1,234.50`, `(12.00)`), never as a binary floating point number.
        let amount = (try? Money.parse(p["amount"] ?? "").amount) ?? 0
        var limit: Decimal = 500
        if case .number(let n) = input.agent.settings["flag_above"] { limit = Decimal(string: "\(n)") ?? 500 }
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
