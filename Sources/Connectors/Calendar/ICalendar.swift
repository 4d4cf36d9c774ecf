import Foundation

/// Reads the busy times of an iCalendar text (RFC 5545): each VEVENT's start and end (UTC, a
/// TZID, floating or all-day dates), `DURATION`, transparent events skipped, cancelled ones too,
/// `RRULE`s expanded (DAILY and WEEKLY with BYDAY; MONTHLY and YEARLY on the same date; INTERVAL,
/// COUNT, UNTIL) with their EXDATEs, and an occurrence moved or cancelled by a `RECURRENCE-ID`
/// instance taking its place.
public struct ICalendar: Sendable {
    /// One event as read.
    struct Event {
        var start: Date
        var end: Date
        /// The zone its times are in: repeats keep their local clock time across DST.
        var zone: TimeZone
        var rule: [String: String]?
        var exceptions: Set<Date> = []
        var uid: String?
        /// Set on an instance that replaces one occurrence of a repeating event.
        var recurrenceID: Date?
        /// A cancelled instance still removes its occurrence from the series, then is dropped.
        var cancelled = false
    }

    let events: [Event]

    /// - Parameter timeZone: the zone of floating times and all-day dates (the business's).
    public init(_ text: String, timeZone: TimeZone) throws {
        var events: [Event] = []
        var problems: [String] = []
        var current: [(name: String, parameters: [String: String], value: String)]?
        // Components inside an event (an alarm) are not the event's: their properties are skipped.
        var nested = 0
        for line in Self.unfolded(text) {
            let property = Self.property(line)
            switch (property.name, property.value.uppercased()) {
            case ("BEGIN", "VEVENT"): current = []
            case ("BEGIN", _) where current != nil: nested += 1
            case ("END", "VEVENT"):
                if let properties = current {
                    // One unreadable event does not hide the others' busy times.
                    do {
                        if let event = try Self.event(properties, timeZone: timeZone) { events.append(event) }
                    } catch {
                        problems.append("\(error)")
                    }
                }
                current = nil
                nested = 0
            case ("END", _) where current != nil && nested > 0: nested -= 1
            default: if nested == 0 { current?.append(property) }
            }
        }
        if events.isEmpty, let first = problems.first { throw ICalendarError(first) }
        // A moved or cancelled occurrence: the series skips it; the instance (if not cancelled) stands.
        for instance in events {
            guard let uid = instance.uid, let replaced = instance.recurrenceID else { continue }
            for index in events.indices where events[index].uid == uid && events[index].recurrenceID == nil {
                events[index].exceptions.insert(replaced)
            }
        }
        self.events = events.filter { !$0.cancelled }
    }

    /// Busy intervals overlapping `from..<to`, sorted.
    public func busy(from: Date, to: Date) -> [DateInterval] {
        var found: [DateInterval] = []
        for event in events {
            for start in occurrences(of: event, until: to) where !event.exceptions.contains(start) {
                let end = start.addingTimeInterval(event.end.timeIntervalSince(event.start))
                if end > from && start < to { found.append(DateInterval(start: start, end: end)) }
            }
        }
        return found.sorted { $0.start < $1.start }
    }

    private func occurrences(of event: Event, until horizon: Date) -> [Date] {
        guard let rule = event.rule, let frequency = rule["FREQ"],
            ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"].contains(frequency)
        else {
            return [event.start]
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = event.zone
        let interval = max(1, Int(rule["INTERVAL"] ?? "1") ?? 1)
        let count = rule["COUNT"].flatMap { Int($0) }
        let until = rule["UNTIL"].flatMap { Self.date($0, parameters: [:], timeZone: .gmt) }
        let days = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
        let byDay = rule["BYDAY"]?.split(separator: ",").compactMap { days.firstIndex(of: String($0.suffix(2))) }
        var dates: [Date] = []
        var step = 0
        // Whole days (or weeks) from the first start, at the same local clock time.
        while dates.count < (count ?? Int.max) && step < 5000 {
            let (unit, size): (Calendar.Component, Int) =
                switch frequency {
                case "WEEKLY": (.day, 7)
                case "MONTHLY": (.month, 1)
                case "YEARLY": (.year, 1)
                default: (.day, 1)
                }
            let base = calendar.date(byAdding: unit, value: step * interval * size, to: event.start)!
            if base > horizon || (until.map { base > $0 } ?? false) { break }
            if frequency == "WEEKLY", let byDay, !byDay.isEmpty {
                // Each named weekday of that week, from the week of the first start.
                let weekday = calendar.component(.weekday, from: base) - 1
                for day in byDay.sorted() {
                    let date = calendar.date(byAdding: .day, value: day - weekday, to: base)!
                    guard date >= event.start, date <= horizon, until.map({ date <= $0 }) ?? true,
                        dates.count < (count ?? Int.max)
                    else { continue }
                    dates.append(date)
                }
            } else {
                dates.append(base)
            }
            step += 1
        }
        return dates
    }

    /// RFC 5545 §3.1: a line that starts with a space or a tab continues the one before.
    static func unfolded(_ text: String) -> [String] {
        var lines: [String] = []
        for raw in text.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            if let first = raw.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += raw.dropFirst()
            } else if !raw.isEmpty {
                lines.append(String(raw))
            }
        }
        return lines
    }

    /// `NAME;PARAM=VALUE;…:VALUE`, name and parameter names upper-cased.
    static func property(_ line: String) -> (name: String, parameters: [String: String], value: String) {
        guard let colon = line.firstIndex(of: ":") else { return (line.uppercased(), [:], "") }
        let head = line[..<colon].split(separator: ";")
        var parameters: [String: String] = [:]
        for parameter in head.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { parameters[pair[0].uppercased()] = pair[1].trimmingCharacters(in: ["\""]) }
        }
        return (head.first.map { $0.uppercased() } ?? "", parameters, String(line[line.index(after: colon)...]))
    }

    private static func event(
        _ properties: [(name: String, parameters: [String: String], value: String)], timeZone: TimeZone
    ) throws -> Event? {
        func first(_ name: String) -> (parameters: [String: String], value: String)? {
            properties.first { $0.name == name }.map { ($0.parameters, $0.value) }
        }
        if first("TRANSP")?.value.uppercased() == "TRANSPARENT" { return nil }
        let cancelled = first("STATUS")?.value.uppercased() == "CANCELLED"

        guard let startProperty = first("DTSTART"),
            let start = date(startProperty.value, parameters: startProperty.parameters, timeZone: timeZone)
        else { throw ICalendarError("an event without a readable DTSTART") }
        let allDay = startProperty.parameters["VALUE"] == "DATE" || startProperty.value.count == 8
        var end = start.addingTimeInterval(allDay ? 86400 : 0)
        if let endProperty = first("DTEND"),
            let parsed = date(endProperty.value, parameters: endProperty.parameters, timeZone: timeZone)
        {
            end = parsed
        } else if let duration = first("DURATION").flatMap({ seconds(ofDuration: $0.value) }) {
            end = start.addingTimeInterval(duration)
        }
        let zone =
            startProperty.value.hasSuffix("Z")
            ? TimeZone.gmt : startProperty.parameters["TZID"].flatMap(TimeZone.init(identifier:)) ?? timeZone
        var event = Event(start: start, end: max(end, start), zone: zone)
        event.uid = first("UID")?.value
        event.recurrenceID = first("RECURRENCE-ID").flatMap {
            date($0.value, parameters: $0.parameters, timeZone: timeZone)
        }
        event.cancelled = cancelled
        if cancelled && event.recurrenceID == nil { return nil }
        if let rule = first("RRULE")?.value {
            event.rule = Dictionary(
                rule.split(separator: ";").compactMap { part -> (String, String)? in
                    let pair = part.split(separator: "=", maxSplits: 1)
                    return pair.count == 2 ? (pair[0].uppercased(), String(pair[1]).uppercased()) : nil
                }, uniquingKeysWith: { first, _ in first })
        }
        for exception in properties where exception.name == "EXDATE" {
            for value in exception.value.split(separator: ",") {
                if let date = date(String(value), parameters: exception.parameters, timeZone: timeZone) {
                    event.exceptions.insert(date)
                }
            }
        }
        return event
    }

    /// `20260302T100000Z` (UTC), `20260302T100000` with a TZID or floating, `20260302` (a day).
    static func date(_ value: String, parameters: [String: String], timeZone: TimeZone) -> Date? {
        let digits = value.filter(\.isNumber)
        guard digits.count == 8 || digits.count == 14 else { return nil }
        let numbers = [0..<4, 4..<6, 6..<8, 8..<10, 10..<12, 12..<14].compactMap { range -> Int? in
            range.upperBound <= digits.count ? Int(digits.dropFirst(range.lowerBound).prefix(range.count)) : nil
        }
        var calendar = Calendar(identifier: .gregorian)
        if value.hasSuffix("Z") {
            calendar.timeZone = .gmt
        } else if let zone = parameters["TZID"].flatMap(TimeZone.init(identifier:)) {
            calendar.timeZone = zone
        } else {
            calendar.timeZone = timeZone
        }
        return calendar.date(
            from: DateComponents(
                year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers.count > 3 ? numbers[3] : 0,
                minute: numbers.count > 4 ? numbers[4] : 0, second: numbers.count > 5 ? numbers[5] : 0))
    }

    /// `PT1H30M`, `P1D`, `-PT15M` in seconds.
    static func seconds(ofDuration text: String) -> TimeInterval? {
        var total = 0.0
        var number = ""
        var sign = 1.0
        for character in text.uppercased() {
            switch character {
            case "-": sign = -1
            case "+", "P", "T": continue
            case _ where character.isNumber: number.append(character)
            case "W", "D", "H", "M", "S":
                guard let value = Double(number) else { return nil }
                total += value * ["W": 604_800, "D": 86400, "H": 3600, "M": 60, "S": 1][character]!
                number = ""
            default: return nil
            }
        }
        return sign * total
    }
}

/// An iCalendar text that cannot be read, and why.
public struct ICalendarError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
