import Foundation

/// Reminds a customer of an invoice that is due (`invoice.due`, raised by the books clock), in a
/// tone that follows the days overdue: a friendly note on the due date, a gentle one in the first
/// week, a firm one after, a final notice from 30 days. With the agent's setting
/// `offer_payment_plan: true` the final notice offers a payment plan, which makes it wait for a
/// person (``ActionKind/isHighStakes(offering:)``). Money itself never moves without a person.
struct InvoiceReminderSkill: Skill {
    /// The tone of a reminder `days` past the due date.
    enum Tone: String, CaseIterable {
        case dueToday = "due today"
        case gentle
        case firm
        case final

        init(daysOverdue days: Int) {
            switch days {
            case ..<1: self = .dueToday
            case 1..<8: self = .gentle
            case 8..<30: self = .firm
            default: self = .final
            }
        }
    }

    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        let p = input.payload
        var outcome = SkillOutcome()
        let invoice = p["invoice"].map { "invoice \($0)" } ?? "your invoice"
        guard let to = p["email"], !to.isEmpty else {
            outcome.notes = [
                "summary": "no email address for the reminder of \(invoice): left for a person", "confidence": "low",
            ]
            return outcome
        }
        let days = Int(p["days_overdue"] ?? "") ?? 0
        let tone = Tone(daysOverdue: days)
        let amount = p["amount"].map { " for \($0)" } ?? ""
        let due = p["due_spoken"] ?? p["due"] ?? "its due date"
        let name = (p["name"] ?? "").split(separator: " ").first.map { " \($0)" } ?? ""
        let business = input.business.name
        var offersPlan = false
        if case .bool(true) = input.agent.settings["offer_payment_plan"] { offersPlan = tone == .final }
        let subject: String
        var lines: [String]
        switch tone {
        case .dueToday:
            subject = "\(invoice.capitalizedFirst) is due today"
            lines = [
                "Hello\(name),", "",
                "A friendly note that \(invoice)\(amount) is due today (\(due)).",
                "If you have already paid, thank you, and please ignore this message.",
            ]
        case .gentle:
            subject = "Reminder: \(invoice) is overdue"
            lines = [
                "Hello\(name),", "",
                "\(invoice.capitalizedFirst)\(amount) was due on \(due), \(Self.days(days)) ago. Perhaps it slipped through:",
                "could you arrange payment when you have a moment? If you have already paid, thank you.",
            ]
        case .firm:
            subject = "Second reminder: \(invoice) is \(Self.days(days)) overdue"
            lines = [
                "Hello\(name),", "",
                "\(invoice.capitalizedFirst)\(amount) is now \(Self.days(days)) overdue (it was due on \(due)).",
                "Please arrange payment this week, or reply to let us know when we can expect it.",
            ]
        case .final:
            subject = "Final notice: \(invoice) is \(Self.days(days)) overdue"
            lines = [
                "Hello\(name),", "",
                "\(invoice.capitalizedFirst)\(amount) is \(Self.days(days)) overdue (it was due on \(due)).",
                "Please pay it within 7 days, or reply so that we can talk it over.",
            ]
            if offersPlan {
                lines.append("If paying in full at once is difficult, reply and we can agree a payment plan.")
            }
        }
        lines += ["", "Thank you,", business]
        outcome.actions.append(
            ProposedAction(
                kind: .emailSend,
                payload: ["to": to, "subject": subject, "body": lines.joined(separator: "\n")],
                reason: days <= 0 ? "the invoice is due today" : "the invoice is \(Self.days(days)) overdue"))
        outcome.emits.append((type: "invoice.sent", payload: [:]))
        outcome.notes = [
            "summary":
                "reminded \(to) of \(invoice) (\(days <= 0 ? "due today" : "\(Self.days(days)) overdue"), \(tone.rawValue))",
            "tone": tone.rawValue, "days_overdue": "\(days)",
        ]
        return outcome
    }

    /// `1 day`, `10 days`.
    static func days(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }
}

extension String {
    /// The text with its first letter in capitals: `invoice 12` → `Invoice 12`.
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
