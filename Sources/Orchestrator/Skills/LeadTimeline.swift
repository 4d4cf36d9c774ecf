import Foundation

/// The times a lead's words name: "ASAP", "tomorrow morning", "next week", "in two weeks", "in
/// March", "March 15", "15/03/2026", "no rush", each as days from today in the business's time
/// zone (or as no time at all).
enum LeadTimeline {
    /// What one pattern makes of a match.
    enum When {
        case days(Int)
        /// A time that is not soon, or no time: "no rush", "next spring".
        case later
        /// Not a time after all (a date that does not exist, one in the past).
        case none
    }

    struct Rule: Sendable {
        let regex: NSRegularExpression
        /// Words one of which every match holds (``LeadCues``).
        let cues: LeadCues.Cues
        let when: @Sendable ([String?], LeadReader) -> When
    }

    /// The first three letters of every month's name, whole or shortened.
    private static let monthCues = LeadCues.Cues(months.map { String($0.prefix(3)) })

    static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]
    static let weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    private static let monthWord =
        "(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
    private static let count =
        "(an|a|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|a couple|couple of|few|\\d{1,3})"
    private static let counts: [String: Int] = [
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "a few": 3, "few": 3, "a couple of": 2, "a couple": 2, "couple of": 2,
    ]

    /// The month (1–12) a word names, whole or shortened (`mar`, `sept`).
    static func month(_ word: String?) -> Int? {
        guard let word = word?.lowercased(), word.count >= 3 else { return nil }
        return months.firstIndex { $0 == word || ($0.hasPrefix(word) && word.count <= 4) }.map { $0 + 1 }
    }

    static let rules: [Rule] = [
        Rule(
            regex: LeadText.regex(
                #"\b(?:asap|as soon as (?:possible|you can)|(?<!not )urgent(?:ly)?|(?<!not an )emergency|right away|immediately|right now|today|tonight|this (?:morning|afternoon|evening))\b|\ba\.s\.a\.p"#
            ),
            cues: LeadCues.Cues([
                "asap", "as soon as", "urgent", "emergency", "right", "immediately", "today", "tonight", "this",
                "a.s.a.p",
            ]), when: { _, _ in .days(0) }),
        Rule(
            regex: LeadText.regex(#"\b(?:the )?day after tomorrow\b"#), cues: LeadCues.Cues(["tomorrow"]),
            when: { _, _ in .days(2) }),
        Rule(
            regex: LeadText.regex(#"\b(?<!after )tomorrow\b"#), cues: LeadCues.Cues(["tomorrow"]),
            when: { _, _ in .days(1) }),
        Rule(
            regex: LeadText.regex(
                #"\b(?:this|end of the|end of this|by the end of the|later this|within the|within a) (week|month)\b"#),
            cues: LeadCues.Cues(["week", "month"]), when: { _, _ in .days(0) }),
        Rule(
            regex: LeadText.regex(#"\bnext (week|weekend|month|year)\b"#), cues: LeadCues.Cues(["next"]),
            when: { groups, reader in
                let calendar = reader.calendar
                let weekday = calendar.component(.weekday, from: reader.now)  // 1 = Sunday
                switch groups[1]?.lowercased() {
                case "week": return .days((9 - weekday) % 7 == 0 ? 7 : (9 - weekday) % 7)
                case "weekend": return .days((7 - weekday + 7) % 7 + 7)
                case "month":
                    let start = calendar.dateInterval(of: .month, for: reader.now)?.end ?? reader.now
                    return .days(reader.days(until: start))
                default:
                    let start = calendar.dateInterval(of: .year, for: reader.now)?.end ?? reader.now
                    return .days(reader.days(until: start))
                }
            }),
        Rule(
            regex: LeadText.regex(#"\b(?<!next )(?:this )?weekend\b"#), cues: LeadCues.Cues(["weekend"]),
            when: { _, reader in .days((7 - reader.calendar.component(.weekday, from: reader.now)) % 7) }),
        Rule(
            regex: LeadText.regex(
                #"\b(in|within|over)\s(the next\s|the coming\s)?"# + count
                    + #"(?:\s?(?:-|to|or)\s?(?:\d{1,3}|two|three))?\s(day|week|month|year)s?\b"#),
            cues: LeadCues.Cues(["day", "week", "month", "year"]),
            when: { groups, _ in
                if groups[1]?.lowercased() != "in" || groups[2] != nil { return .days(0) }
                let number = groups[3].flatMap { counts[$0.lowercased()] ?? Int($0) } ?? 1
                let unit = ["day": 1, "week": 7, "month": 30, "year": 365][groups[4]?.lowercased() ?? ""] ?? 1
                return .days(number * unit)
            }),
        Rule(
            regex: LeadText.regex(#"\b(?:a |the )?(?:few|couple(?: of)?) days\b"#), cues: LeadCues.Cues(["days"]),
            when: { _, _ in .days(3) }),
        Rule(
            regex: LeadText.regex(
                #"\b(?:later this year|no (?:rush|hurry)|not (?:urgent|in a (?:rush|hurry))|whenever|sometime|some time|eventually|(?:in the|next|this) (?:spring|summer|fall|autumn|winter))\b"#
            ),
            cues: LeadCues.Cues([
                "year", "rush", "hurry", "urgent", "whenever", "sometime", "some time", "eventually", "spring",
                "summer", "fall", "autumn", "winter",
            ]), when: { _, _ in .later }),
        Rule(
            regex: LeadText.regex(#"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b"#),
            cues: LeadCues.Cues(["day"]),
            when: { groups, reader in
                guard let wanted = weekdays.firstIndex(of: groups[1]?.lowercased() ?? "") else { return .none }
                let today = reader.calendar.component(.weekday, from: reader.now) - 1
                let ahead = (wanted - today + 7) % 7
                return .days(ahead == 0 ? 7 : ahead)
            }),
        Rule(
            regex: LeadText.regex(
                #"(?:\b(?:in|by|before|early|mid|late|end of|until|during|starting|start of|beginning of|around)\s(?:early\s|mid\s|late\s)?|\bmid-)(january|february|march|april|may|june|july|august|september|october|november|december)\b"#
            ), cues: monthCues,
            when: { groups, reader in
                guard let month = month(groups[1]) else { return .none }
                return date(month: month, day: 1, year: nil, reader, wholeMonth: true)
            }),
        Rule(
            regex: LeadText.regex(#"\b"# + monthWord + #"\.?\s(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s(\d{4})\b)?"#),
            cues: monthCues,
            when: { groups, reader in
                guard let month = month(groups[1]), let day = Int(groups[2] ?? "") else { return .none }
                return date(month: month, day: day, year: groups[3].flatMap { Int($0) }, reader)
            }),
        Rule(
            regex: LeadText.regex(#"\b(\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?"# + monthWord + #"\b\.?(?:,?\s(\d{4})\b)?"#),
            cues: monthCues,
            when: { groups, reader in
                guard let month = month(groups[2]), let day = Int(groups[1] ?? "") else { return .none }
                return date(month: month, day: day, year: groups[3].flatMap { Int($0) }, reader)
            }),
        Rule(
            regex: LeadText.regex(#"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"#), cues: LeadCues.Cues(["-"]),
            when: { groups, reader in
                guard let year = Int(groups[1] ?? ""), let month = Int(groups[2] ?? ""), let day = Int(groups[3] ?? "")
                else { return .none }
                return date(month: month, day: day, year: year, reader)
            }),
        // 3/15 (month first, as in North America) unless the first number cannot be a month; only
        // after a word that says a date follows, or with a year, so that "1/2 inch" is no date.
        Rule(
            regex: LeadText.regex(
                #"\b(?:(?:on|by|before|until|for|date:?|starting|from)\s(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?|(\d{1,2})/(\d{1,2})/(\d{4}))\b"#
            ), cues: LeadCues.Cues(["/"]),
            when: { groups, reader in
                let parts = (groups[1] != nil ? [groups[1], groups[2], groups[3]] : [groups[4], groups[5], groups[6]])
                    .map { $0.flatMap { Int($0) } }
                guard var month = parts[0], var day = parts[1] else { return .none }
                if month > 12 { swap(&month, &day) }
                let year = parts[2].map { $0 < 100 ? 2000 + $0 : $0 }
                return date(month: month, day: day, year: year, reader)
            }),
    ]

    /// Every time `text` names. `screened`: only the rules whose cues the text holds run (the
    /// same times, found faster; off only to check that).
    static func find(in text: String, _ reader: LeadReader, screened: Bool = true) -> [LeadReading.Timeline] {
        guard text.contains(where: \.isLetter) || LeadText.holds("/", in: text) || LeadText.holds("-", in: text) else {
            return []
        }
        var found: [LeadReading.Timeline] = []
        let cues = LeadCues(text)
        for rule in rules where !screened || cues.mayMatch(rule.cues) {
            for groups in LeadText.matches(rule.regex, in: text) {
                let phrase = LeadText.trimmed(groups[0] ?? "")
                switch rule.when(groups, reader) {
                case .days(let days): found.append(LeadReading.Timeline(phrase: phrase, days: max(0, days)))
                case .later: found.append(LeadReading.Timeline(phrase: phrase, days: nil))
                case .none: continue
                }
            }
        }
        return found
    }

    /// Days until a date (this year's, or next year's when this year's has passed); `.none` when it
    /// does not exist or, with its year given, has passed.
    static func date(month: Int, day: Int, year: Int?, _ reader: LeadReader, wholeMonth: Bool = false) -> When {
        guard (1...12).contains(month), (1...31).contains(day) else { return .none }
        let calendar = reader.calendar
        let thisYear = calendar.component(.year, from: reader.now)
        func make(_ year: Int) -> Date? {
            let components = DateComponents(year: year, month: month, day: day, hour: 12)
            guard let date = calendar.date(from: components),
                calendar.component(.month, from: date) == month, calendar.component(.day, from: date) == day
            else { return nil }
            return date
        }
        if let year {
            guard (thisYear...thisYear + 10).contains(year), let date = make(year) else { return .none }
            let days = reader.days(until: date)
            return days < 0 ? (wholeMonth ? .days(0) : .none) : .days(days)
        }
        guard let date = make(thisYear) else { return .none }
        let days = reader.days(until: date)
        if days >= 0 { return .days(days) }
        // The month asked for is this one: it has begun.
        if wholeMonth, calendar.component(.month, from: reader.now) == month { return .days(0) }
        return make(thisYear + 1).map { .days(reader.days(until: $0)) } ?? .none
    }
}
