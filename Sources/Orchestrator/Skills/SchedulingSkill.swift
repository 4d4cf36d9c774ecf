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
            outcome.refusedTools = ["calendar.read"]
            return outcome
        }
        let slots = freeSlots(3, 60)
        let written = slots.map { Self.written($0, in: input.business.timeZone) }
        let times = written.map { Self.bullet + $0.local }.joined(separator: "\n")
        // The drafting agent's words, never the lead's own: intake is what the lead sent.
        let draft =
            input.context.filter { $0.key != "intake" }.sorted { $0.key < $1.key }.compactMap { $0.value["draft"] }
            .first
            ?? "Hi, thanks for reaching out to \(input.business.name)."
        let link = "https://book.baton.local/\(input.event.caseID)"
        let body =
            "\(draft)\n\nHere are times that work for us:\n\(times)\n\nBook one here: \(link)\n\n\(input.business.name)"
        outcome.notes = [
            "slots": written.map(\.iso).joined(separator: ","),
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

    /// How an offered time is listed in the reply (owner instructions find the list by it).
    static let bullet = "  • "

    // Formatters are costly to make and to run; the same few slots are offered to every lead of
    // an hour, so each slot is written once and kept (a small cache, emptied when it grows).
    nonisolated(unsafe) private static let iso = ISO8601DateFormatter()
    nonisolated(unsafe) private static var formatters: [String: DateFormatter] = [:]
    nonisolated(unsafe) private static var writtenSlots: [String: (local: String, iso: String)] = [:]
    private static let lock = NSLock()

    /// The slot as "Monday March 2, 12:00 PM" in the business's time zone, and in ISO 8601.
    static func written(_ slot: Date, in zone: String) -> (local: String, iso: String) {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(zone) \(slot.timeIntervalSince1970)"
        if let cached = writtenSlots[key] { return cached }
        if writtenSlots.count >= 1024 { writtenSlots = [:] }
        let written = (local: formatter(zone).string(from: slot), iso: iso.string(from: slot))
        writtenSlots[key] = written
        return written
    }

    private static func formatter(_ zone: String) -> DateFormatter {
        if let cached = formatters[zone] { return cached }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone) ?? .gmt
        formatter.dateFormat = "EEEE MMMM d, h:mm a"
        formatters[zone] = formatter
        return formatter
    }
}
