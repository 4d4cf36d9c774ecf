/// Classifies an incoming message: routine questions get an answer; complaints get a reply that
/// waits for approval and an escalation; refund requests propose a refund, which always waits.
/// A message it cannot place is escalated with low confidence instead of guessed at.
struct SupportTriageSkill: Skill {
    static let complaintWords = [
        "complain", "complaint", "unhappy", "angry", "terrible", "disappointed", "unacceptable",
    ]
    static let refundWords = ["refund", "money back", "reimburse", "chargeback"]
    static let questionWords = ["?", "how", "when", "what", "where", "do you", "can you", "hours", "price"]

    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        let p = input.payload
        let message = (p["message"] ?? "").lowercased()
        let name = p["name"] ?? "there"
        let to = p["email"] ?? ""
        var outcome = SkillOutcome()
        let category: String
        if Self.refundWords.contains(where: message.contains) {
            category = "refund_request"
            outcome.actions.append(
                ProposedAction(
                    kind: "refund.issue", payload: ["to": to, "amount": p["amount"] ?? "unstated"],
                    reason: "the customer asks for a refund"))
            outcome.emits.append((type: "complaint.escalated", payload: ["category": category]))
        } else if Self.complaintWords.contains(where: message.contains) {
            category = "complaint"
            outcome.actions.append(
                ProposedAction(
                    kind: "complaint.reply",
                    payload: [
                        "to": to, "subject": "We are sorry",
                        "body":
                            "Hi \(name), we are sorry to hear this. The owner will call you today.\n\n\(input.business.name)",
                    ],
                    reason: "a complaint: the owner should see the reply first"))
            outcome.emits.append((type: "complaint.escalated", payload: ["category": category]))
        } else if Self.questionWords.contains(where: message.contains) {
            category = "question"
            outcome.actions.append(
                ProposedAction(
                    kind: "email.send",
                    payload: [
                        "to": to, "subject": "Re: your question",
                        "body":
                            "Hi \(name), thanks for your question. We will answer in detail shortly; our hours are in the footer.\n\n\(input.business.name)",
                    ],
                    reason: "a routine question"))
            outcome.emits.append((type: "inquiry.answered", payload: [:]))
        } else {
            category = "unclear"
            outcome.emits.append((type: "complaint.escalated", payload: ["category": category]))
        }
        var summary = "classified as \(category)"
        if to.isEmpty, outcome.actions.contains(where: { $0.kind == "email.send" || $0.kind == "complaint.reply" }) {
            outcome.actions.removeAll { $0.kind == "email.send" || $0.kind == "complaint.reply" }
            summary += "; no email address to reply to"
        }
        outcome.notes = [
            "category": category, "confidence": category == "unclear" ? "low" : "high", "summary": summary,
        ]
        return outcome
    }
}
