import Foundation

/// The times the runtime takes in from outside (the intake's payloads, a lead's chosen time, an
/// approver's edit, an outside calendar's busy times): written strictly in RFC 3339, and inside a
/// sane window — not before 2000 and at most ten years after the runtime's clock. A time outside
/// it is refused with the reason, never stored: SQLite keeps dates as text that GRDB reads back
/// only up to the year 9999, and a busy time ending in the year 10000 once stopped every batch.
public enum AcceptedTime {
    /// The earliest time taken in: 2000-01-01T00:00:00Z.
    public static let earliest = Date(timeIntervalSince1970: 946_684_800)
    /// How far past the runtime's clock a time may be.
    public static let yearsAhead = 10

    /// The payload fields the runtime reads as times; the intake checks them before it stores an
    /// event (`start` and `end` of a booking, `due` and `due_at` of a reminder).
    public static let payloadFields: Set<String> = ["start", "end", "due", "due_at"]

    /// The latest time taken in when the clock says `now`.
    public static func latest(now: Date) -> Date {
        now.addingTimeInterval(Double(yearsAhead) * 365.25 * 86400)
    }

    /// `date` if it is inside the window at `now`; otherwise why not.
    public static func check(_ date: Date, now: Date) -> Result<Date, Refusal> {
        guard date.timeIntervalSince1970.isFinite, date >= earliest else {
            return .failure(Refusal("is before 2000"))
        }
        guard date <= latest(now: now) else {
            return .failure(Refusal("is more than \(yearsAhead) years ahead"))
        }
        return .success(date)
    }

    /// Reads an RFC 3339 time (`2026-03-02T10:00:00Z`, `…T10:00:00.250+01:00`) inside the window;
    /// with `dateOnly`, a day (`2026-03-02`, midnight UTC) too.
    public static func parse(_ text: String, now: Date, dateOnly: Bool = false) -> Result<Date, Refusal> {
        guard let date = strict(text, dateOnly: dateOnly) else {
            return .failure(
                Refusal(
                    dateOnly
                        ? "is not a date (YYYY-MM-DD) or a time in ISO 8601 (YYYY-MM-DDTHH:MM:SSZ)"
                        : "is not a time in ISO 8601 with its offset (YYYY-MM-DDTHH:MM:SSZ or +HH:MM)"))
        }
        return check(date, now: now)
    }

    /// Why a payload is refused, naming its first time field that is not a time in the window.
    /// - Returns: the field (`payload.start`) and the reason, or nil when every time field is good.
    public static func problem(in payload: [String: Any], now: Date) -> (field: String, message: String)? {
        for key in payload.keys.sorted() where payloadFields.contains(key) {
            let field = "payload.\(key)"
            guard let text = payload[key] as? String else {
                return (field, "'\(field)' must be a time in ISO 8601 (a string such as 2026-03-02T10:00:00Z)")
            }
            if case .failure(let refusal) = parse(text, now: now, dateOnly: key.hasPrefix("due")) {
                return (field, "'\(field)' \(refusal.reason)")
            }
        }
        return nil
    }

    /// Busy times read from outside, made safe to store: each cut to the window at `now`, and those
    /// wholly outside it (or backwards) dropped.
    /// - Returns: the busy times kept, and how many were dropped.
    public static func busyTimes(_ intervals: [DateInterval], now: Date) -> (kept: [DateInterval], dropped: Int) {
        let low = earliest
        let high = latest(now: now)
        var kept: [DateInterval] = []
        var dropped = 0
        for interval in intervals {
            let start = max(interval.start, low)
            let end = min(interval.end, high)
            guard start.timeIntervalSince1970.isFinite, end.timeIntervalSince1970.isFinite, start < end else {
                dropped += 1
                continue
            }
            kept.append(DateInterval(start: start, end: end))
        }
        return (kept, dropped)
    }

    /// Why a time was refused, said after the field's name: "'payload.start' is before 2000".
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        init(_ reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`, every part in range (no 30 February, no
    /// hour 25: the lenient parsers roll those over into another day); with `dateOnly`, also
    /// `YYYY-MM-DD`.
    static func strict(_ text: String, dateOnly: Bool) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count <= 40 else { return nil }
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        let days = daysSince1970(year: year, month: month, day: day)
        if index == bytes.count { return dateOnly ? Date(timeIntervalSince1970: Double(days) * 86400) : nil }
        guard expect("Tt"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2), hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let first = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > first, index - first <= 9 else { return nil }
        }
        var offset = 0
        if expect("Zz") {
            offset = 0
        } else {
            guard index < bytes.count else { return nil }
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let hours = number(2), hours <= 23 else { return nil }
            _ = expect(":")
            guard let minutes = number(2), minutes <= 59 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm, as ``StoredDate``).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
