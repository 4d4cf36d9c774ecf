import Foundation

/// Finds free times in the calendar and sends the lead the reply with those times and a booking
/// link; when the lead picks one (`booking.requested` with its `start`), books it if it is still
/// free and confirms, or offers other times if it is not.
struct SchedulingSkill: Skill {
    func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
        var outcome = SkillOutcome()
        let lead = input.context["intake"] ?? [:]
        guard let to = lead["email"], !to.isEmpty else {
            outcome.notes = ["summary": "no email address to reply to"]
            return outcome
        }
        guard let freeSlots = tools.freeSlots, let isFree = tools.isFree else {
            outcome.notes = ["summary": "no calendar access: cannot offer times"]
            outcome.refusedTools = ["calendar.read"]
            return outcome
        }
        var minutes = 60
        if case .number(let n) = input.agent.settings["slot_minutes"], n >= 5, n <= 24 * 60 { minutes = Int(n) }
        if input.event.type == "booking.requested" {
            // A time out of the window (year 9999, before 2000) is invalid input, like a missing one.
            let start: Date
            switch AcceptedTime.parse(input.payload["start"] ?? "", now: input.now) {
            case .success(let date): start = date
            case .failure(let refusal):
                outcome.notes = [
                    "summary": "the booking request has no valid start time", "refused": "the start \(refusal.reason)",
                ]
                return outcome
            }
            if isFree(start, minutes) {
                return book(start, minutes: minutes, to: to, name: lead["name"] ?? "", input)
            }
            outcome = offer(
                freeSlots(3, minutes), to: to, input, opening: "Sorry, that time was just taken.",
                reason: "the time the lead chose is taken: other times")
            outcome.notes["summary"] = "the time asked for is taken; offered \(outcome.notes["offered"] ?? "0") others"
            return outcome
        }
        // The drafting agent's words, never the lead's own: intake is what the lead sent.
        let draft =
            input.context.filter { $0.key != "intake" }.sorted { $0.key < $1.key }.compactMap { $0.value["draft"] }
            .first
            ?? "Hi, thanks for reaching out to \(input.business.name)."
        outcome = offer(
            freeSlots(3, minutes), to: to, input, opening: draft, reason: "first reply with available times")
        outcome.notes["summary"] = "offered \(outcome.notes["offered"] ?? "0") times"
        return outcome
    }

    /// The reply offering `slots`, with the booking link.
    private func offer(_ slots: [Date], to: String, _ input: SkillInput, opening: String, reason: String)
        -> SkillOutcome
    {
        var outcome = SkillOutcome()
        let written = slots.map { Self.written($0, in: input.business.timeZone) }
        let times = written.map { Self.bullet + $0.local }.joined(separator: "\n")
        let link = "https://book.baton.local/\(input.event.caseID)"
        let body =
            "\(opening)\n\nHere are times that work for us:\n\(times)\n\nBook one here: \(link)\n\n\(input.business.name)"
        outcome.notes = ["slots": written.map(\.iso).joined(separator: ","), "offered": "\(slots.count)"]
        outcome.actions.append(
            ProposedAction(
                kind: .emailSend,
                payload: ["to": to, "subject": "Your request to \(input.business.name)", "body": body],
                reason: reason))
        outcome.emits.append((type: "times.offered", payload: [:]))
        return outcome
    }

    /// The meeting booked and the lead told.
    private func book(_ start: Date, minutes: Int, to: String, name: String, _ input: SkillInput) -> SkillOutcome {
        var outcome = SkillOutcome()
        let end = start.addingTimeInterval(Double(minutes) * 60)
        let when = Self.written(start, in: input.business.timeZone)
        let greeting = name.isEmpty ? "Hi" : "Hi \(name)"
        outcome.notes = ["booked": when.iso, "summary": "booked \(name.isEmpty ? to : name) for \(when.local)"]
        outcome.actions.append(
            ProposedAction(
                kind: .calendarBook,
                payload: [
                    "start": when.iso, "end": Self.iso.string(from: end), "title": "\(input.business.name): \(name)",
                    "to": to, "name": name,
                ], reason: "the lead chose a free time"))
        outcome.actions.append(
            ProposedAction(
                kind: .emailSend,
                payload: [
                    "to": to, "subject": "Booked: \(when.local)",
                    "body":
                        "\(greeting), you are booked for \(when.local) (\(input.business.timeZone) time), \(minutes) minutes.\n\nReply to this email if you need to change it.\n\n\(input.business.name)",
                ], reason: "confirm the booking"))
        outcome.emits.append((type: "meeting.booked", payload: ["start": when.iso]))
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
