import Foundation

/// Finds free times in the calendar and sends the lead the reply with those times and a way to pick
/// one: the business's own booking page (`settings.booking_url`), else Baton's booking page when
/// `baton run` serves it at a public URL (``Tools/bookingLink``), else a request to answer with a
/// time — never a link that goes nowhere. When the lead picks one (`booking.requested` with its
/// `start`), books it if it is still free and confirms with an invitation attached, or offers other
/// times if it is not; a case already booked is not booked again.
package struct SchedulingSkill: Skill {
    package func run(_ input: SkillInput, tools: Tools) -> SkillOutcome {
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
            // Booked once per case: a form sent twice, or a second pick, does not book again.
            if let earlier = input.context[input.agent.id], let booked = earlier["booked"] {
                outcome.notes = earlier
                outcome.notes["summary"] = "already booked for \(booked); the new request books nothing"
                return outcome
            }
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
                freeSlots(3, minutes), to: to, input, tools: tools, opening: "Sorry, that time was just taken.",
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
            freeSlots(3, minutes), to: to, input, tools: tools, opening: draft,
            reason: "first reply with available times")
        outcome.notes["summary"] = "offered \(outcome.notes["offered"] ?? "0") times"
        return outcome
    }

    /// The reply offering `slots`, with the way to pick one (``pickLine(_:tools:)``).
    private func offer(
        _ slots: [Date], to: String, _ input: SkillInput, tools: Tools, opening: String, reason: String
    ) -> SkillOutcome {
        var outcome = SkillOutcome()
        let written = slots.map { Self.written($0, in: input.business.timeZone) }
        let times = written.map { Self.bullet + $0.local }.joined(separator: "\n")
        let pick = Self.pickLine(input, tools: tools)
        let body =
            "\(opening)\n\nHere are times that work for us:\n\(times)\n\n\(pick.line)\n\n\(input.business.name)"
        outcome.notes = [
            "slots": written.map(\.iso).joined(separator: ","), "offered": "\(slots.count)", "booking": pick.how,
        ]
        outcome.actions.append(
            ProposedAction(
                kind: .emailSend,
                payload: ["to": to, "subject": "Your request to \(input.business.name)", "body": body],
                reason: reason))
        outcome.emits.append((type: "times.offered", payload: [:]))
        return outcome
    }

    /// How the reply lets the lead pick a time, and which way that is (`own page`, `booking page`,
    /// `reply`): the business's own booking page (`settings.booking_url`, an http(s) address), else
    /// Baton's page when it is served (``Tools/bookingLink``), else an answer by email. With
    /// `settings.booking_link: false`, always by email.
    static func pickLine(_ input: SkillInput, tools: Tools) -> (line: String, how: String) {
        let byReply = (line: "Reply to this email with the time that suits you and we will book it.", how: "reply")
        if case .bool(false) = input.agent.settings["booking_link"] { return byReply }
        if case .string(let url) = input.agent.settings["booking_url"], isWebAddress(url) {
            return ("Book one here: \(url)", "own page")
        }
        if let link = tools.bookingLink?(input.event.caseID) ?? nil {
            return ("Book one here: \(link)", "booking page")
        }
        return byReply
    }

    /// An `http://` or `https://` address with a host and nothing that could break the line.
    static func isWebAddress(_ text: String) -> Bool {
        guard text.count <= 500, !text.contains(where: { $0.isWhitespace || $0.isNewline }),
            let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            url.host?.isEmpty == false
        else { return false }
        return true
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
                    "start": when.iso, "end": SlotWording.iso(end), "title": "\(input.business.name): \(name)",
                    "to": to, "name": name,
                ], reason: "the lead chose a free time"))
        outcome.actions.append(
            ProposedAction(
                kind: .emailSend,
                payload: [
                    "to": to, "subject": "Booked: \(when.local)",
                    "body":
                        "\(greeting), you are booked for \(when.local) (\(input.business.timeZone) time), \(minutes) minutes. The invitation is attached.\n\nReply to this email if you need to change it.\n\n\(input.business.name)",
                    // The dispatcher attaches the meeting as an iCalendar invitation (invite.ics).
                    "invite_start": when.iso, "invite_end": SlotWording.iso(end),
                    "invite_title": input.business.name, "invite_uid": "booking-\(input.event.caseID)", "name": name,
                ], reason: "confirm the booking"))
        outcome.emits.append((type: "meeting.booked", payload: ["start": when.iso]))
        return outcome
    }

    /// How an offered time is listed in the reply (owner instructions find the list by it).
    static let bullet = "  • "

    // The same few slots are offered to every lead of an hour, so each slot is written once and
    // kept (a small cache, emptied when it grows), with its zone's calendar.
    nonisolated(unsafe) private static var calendars: [String: Calendar] = [:]
    nonisolated(unsafe) private static var writtenSlots: [String: (local: String, iso: String)] = [:]
    private static let lock = NSLock()

    /// The slot as "Monday March 2, 12:00 PM" in the business's time zone, and in ISO 8601.
    package static func written(_ slot: Date, in zone: String) -> (local: String, iso: String) {
        lock.lock()
        defer { lock.unlock() }
        let key = "\(zone) \(slot.timeIntervalSince1970)"
        if let cached = writtenSlots[key] { return cached }
        if writtenSlots.count >= 1024 { writtenSlots = [:] }
        let written = (local: SlotWording.local(slot, in: calendar(zone)), iso: SlotWording.iso(slot))
        writtenSlots[key] = written
        return written
    }

    private static func calendar(_ zone: String) -> Calendar {
        if let cached = calendars[zone] { return cached }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone) ?? .gmt
        if calendars.count >= 64 { calendars = [:] }
        calendars[zone] = calendar
        return calendar
    }
}
