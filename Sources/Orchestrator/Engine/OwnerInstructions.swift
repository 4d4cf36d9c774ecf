import Foundation

/// What a person tells an agent when overriding its proposal, read as a few plain commands the
/// agent can apply without guessing. One per line or separated by `;`:
///
/// - `subject: TEXT` replaces the email's subject;
/// - `say: TEXT` (or `add: TEXT`) adds TEXT as a paragraph before the sign-off;
/// - `offer thursday`, `offer tuesday morning`, `offer afternoons` picks the offered times again
///   from the calendar, on that day and/or part of the day (morning before noon).
///
/// Anything else is not understood: it stays beside the proposal for the person to apply with an
/// edit. Deterministic, like the skills; the optional language model is where free-form
/// instructions belong.
struct OwnerInstructions {
    enum Command: Equatable {
        case subject(String)
        case add(String)
        case offer(weekday: Int?, morning: Bool?)
        case unknown(String)
    }

    let commands: [Command]

    init(_ text: String) {
        commands = text.split(whereSeparator: { $0.isNewline || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.map(Self.command)
    }

    private static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    private static func command(_ clause: String) -> Command {
        let lowered = clause.lowercased()
        for (prefix, make) in [("subject:", Command.subject), ("say:", Command.add), ("add:", Command.add)]
        where lowered.hasPrefix(prefix) {
            let text = clause.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? .unknown(clause) : make(text)
        }
        let words = lowered.split(separator: " ").map { $0.trimmingCharacters(in: .punctuationCharacters) }
        guard words.first == "offer", words.count > 1 else { return .unknown(clause) }
        var weekday: Int?
        var morning: Bool?
        for word in words.dropFirst() {
            let singular = word.hasSuffix("s") ? String(word.dropLast()) : word
            if let day = weekdays.firstIndex(of: singular) {
                weekday = day + 1
            } else if singular == "morning" {
                morning = true
            } else if singular == "afternoon" {
                morning = false
            } else if !["on", "a", "the", "in", "instead", "only", "next"].contains(word) {
                return .unknown(clause)
            }
        }
        return weekday == nil && morning == nil ? .unknown(clause) : .offer(weekday: weekday, morning: morning)
    }

    /// The revised payload, with what was applied and what was not (and why), in order.
    func apply(
        to original: [String: String], timeZone: String, freeSlots: ((_ count: Int, _ minutes: Int) -> [Date])?
    ) -> (payload: [String: String], applied: [String], notApplied: [String]) {
        var payload = original
        var applied: [String] = []
        var notApplied: [String] = []
        for command in commands {
            switch command {
            case .subject(let text):
                guard payload["subject"] != nil else {
                    notApplied.append("subject: this action has no subject")
                    continue
                }
                payload["subject"] = text
                applied.append("new subject")
            case .add(let text):
                guard let body = payload["body"] else {
                    notApplied.append("say: this action has no message")
                    continue
                }
                var paragraphs = body.components(separatedBy: "\n\n")
                paragraphs.insert(text, at: max(0, paragraphs.count - 1))
                payload["body"] = paragraphs.joined(separator: "\n\n")
                applied.append("added a paragraph")
            case .offer(let weekday, let morning):
                let wanted = Self.describe(weekday: weekday, morning: morning)
                guard let body = payload["body"] else {
                    notApplied.append("offer \(wanted): this message offers no times")
                    continue
                }
                guard let freeSlots else {
                    notApplied.append("offer \(wanted): the agent may not read the calendar")
                    continue
                }
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
                let slots = freeSlots(200, 60).filter { slot in
                    (weekday == nil || calendar.component(.weekday, from: slot) == weekday)
                        && (morning == nil || (calendar.component(.hour, from: slot) < 12) == morning)
                }.prefix(3)
                guard !slots.isEmpty else {
                    notApplied.append("offer \(wanted): no free time then in the next three weeks")
                    continue
                }
                let times = slots.map { SchedulingSkill.bullet + SchedulingSkill.written($0, in: timeZone).local }
                var lines = body.components(separatedBy: "\n")
                guard let first = lines.firstIndex(where: { $0.hasPrefix(SchedulingSkill.bullet) }) else {
                    notApplied.append("offer \(wanted): this message offers no times")
                    continue
                }
                lines.removeAll { $0.hasPrefix(SchedulingSkill.bullet) }
                lines.insert(contentsOf: times, at: first)
                payload["body"] = lines.joined(separator: "\n")
                applied.append("times on \(wanted)")
            case .unknown(let clause):
                notApplied.append("\"\(clause)\": not an instruction the agent knows")
            }
        }
        return (payload, applied, notApplied)
    }

    private static func describe(weekday: Int?, morning: Bool?) -> String {
        let day = weekday.map { weekdays[$0 - 1].capitalized }
        let part = morning.map { $0 ? "morning" : "afternoon" }
        return [day, part].compactMap { $0 }.joined(separator: " ")
    }
}
