/// Reminds a customer of an invoice that is due; money itself never moves without a person.
struct InvoiceReminderSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        let p = input.payload
        var outcome = SkillOutcome()
        guard let to = p["email"], !to.isEmpty else {
            outcome.notes = ["summary": "no email address for the reminder", "confidence": "low"]
            return outcome
        }
        let invoice = p["invoice"] ?? "your invoice"
        let amount = p["amount"].map { " for \($0)" } ?? ""
        outcome.actions.append(
            ProposedAction(
                kind: .emailSend,
                payload: [
                    "to": to, "subject": "Reminder: \(invoice)",
                    "body":
                        "Hello, a friendly reminder that \(invoice)\(amount) is due. Thank you!\n\n\(input.business.name)",
                ],
                reason: "the invoice is due"))
        outcome.emits.append((type: "invoice.sent", payload: [:]))
        outcome.notes = ["summary": "reminded \(to) of \(invoice)"]
        return outcome
    }
}
