import Foundation

/// Finds free times in the calendar and sends the lead the reply with those times and a booking link.
struct SchedulingSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        var outcome = SkillOutcome()
        let lead = input.context["intake"] ?? [:]
        guard let to = lead["email"], !to.isEmpty else {
            outcome.notes = ["summary": "no email address to reply to"]
            return outcome
        }
        guard let freeSlots = tools.freeSlots else {
            outcome.notes = ["summary": "no calendar access: cannot offer times"]
            return outcome
        }
        let slots = freeSlots(3, 60)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: input.business.timeZone) ?? .gmt
        formatter.dateFormat = "EEEE MMMM d, h:mm a"
        let times = slots.map { "  • " + formatter.string(from: $0) }.joined(separator: "\n")
        let draft =
            input.context.values.compactMap { $0["draft"] }.first
            ?? "Hi, thanks for reaching out to \(input.business.name)."
        let link = "https://book.baton.local/\(input.event.caseID)"
        let body =
            "\(draft)\n\nHere are times that work for us:\n\(times)\n\nBook one here: \(link)\n\n\(input.business.name)"
        outcome.notes = [
            "slots": slots.map { ISO8601DateFormatter().string(from: $0) }.joined(separator: ","),
            "summary": "offered \(slots.count) times",
        ]
        outcome.actions.append(
            ProposedAction(
                kind: "email.send",
                payload: ["to": to, "subject": "Your request to \(input.business.name)", "body": body],
                reason: "first reply with available times"))
        outcome.emits.append((type: "meeting.booked", payload: [:]))
        return outcome
    }
}
