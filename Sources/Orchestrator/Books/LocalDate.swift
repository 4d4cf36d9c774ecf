import Foundation

/// A calendar day with no time or zone, as an invoice's dates are: due on 5 March 2026 is due that
/// day wherever the business is; the books clock turns it into a local morning.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid day between 2000 and 2099 (the window the runtime accepts times in), else nil.
    public init?(year: Int, month: Int, day: Int) {
        guard (2000...2099).contains(year), (1...12).contains(month), day >= 1,
            day <= Self.days(inMonth: month, of: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `2026-03-05` (as stored).
    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `2026-03-05`.
    public var iso: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public var description: String { iso }

    /// `5 March 2026`, as a reminder says it.
    public var spoken: String { "\(day) \(Self.monthNames[month - 1].capitalized) \(year)" }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// The day `count` days after this one (before, when negative).
    public func adding(days count: Int) -> LocalDate? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            let moved = calendar.date(byAdding: .day, value: count, to: start)
        else { return nil }
        let parts = calendar.dateComponents([.year, .month, .day], from: moved)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// Whole days from `self` to `other` (negative when `other` is earlier).
    public func days(to other: LocalDate) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let a = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let b = calendar.date(from: DateComponents(year: other.year, month: other.month, day: other.day))!
        return calendar.dateComponents([.day], from: a, to: b).day!
    }

    /// The day `date` falls on in `zone`.
    public static func on(_ date: Date, in zone: TimeZone) -> LocalDate? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    /// Which comes first in a date written with numbers only, `03/05/2026`.
    public enum Order: String, Sendable, CaseIterable {
        /// Month first, as QuickBooks Online in the US writes it: 03/05/2026 is 5 March.
        case mdy
        /// Day first, as Xero and most of the world write it: 03/05/2026 is 3 May.
        case dmy
    }

    /// The parts of a date cell before the order of its numbers is known.
    enum Reading: Equatable {
        case date(LocalDate)
        /// Two numbers then a year (`03/05/2026`): which is the month depends on the order.
        case numeric(Int, Int, Int)
    }

    /// Reads a date as accounting exports write it: `2026-03-05`, `2026/03/05`, `03/05/2026`,
    /// `3.5.26`, `5 Mar 2026`, `05-Mar-2026`, `Mar 5, 2026`, `March 5 2026`, optionally followed by
    /// a time (`2026-03-05T00:00:00`, `03/05/2026 12:00 AM`), which is dropped.
    static func read(_ cell: String) -> Reading? {
        var text = cell.trimmingCharacters(in: .whitespaces).lowercased()
        guard !text.isEmpty, text.count <= 40 else { return nil }
        if let t = text.firstIndex(of: "t"), text.first?.isNumber == true, text[text.startIndex..<t].count == 10 {
            text = String(text[..<t])
        }
        let tokens = text.split(whereSeparator: { " /-.,".contains($0) }).map(String.init)
        // Whatever follows the date's three parts is a time of day: `12:00 am`, `00:00:00`.
        let time = tokens.dropFirst(3)
        guard tokens.count >= 3,
            time.allSatisfy({ $0.contains(":") || $0 == "am" || $0 == "pm" || $0 == "z" })
        else { return nil }
        let parts = Array(tokens.prefix(3))
        func year(_ s: String) -> Int? {
            guard let n = Int(s), s.allSatisfy(\.isNumber) else { return nil }
            return s.count == 2 ? 2000 + n : (s.count == 4 ? n : nil)
        }
        func number(_ s: String) -> Int? {
            guard (1...2).contains(s.count), s.allSatisfy(\.isNumber) else { return nil }
            return Int(s)
        }
        func month(_ s: String) -> Int? {
            if s == "sept" { return 9 }
            let index = monthNames.firstIndex { s.count == 3 ? $0.hasPrefix(s) : $0 == s }
            return index.map { $0 + 1 }
        }
        if parts[0].count == 4, let y = Int(parts[0]), let m = number(parts[1]), let d = number(parts[2]) {
            return LocalDate(year: y, month: m, day: d).map(Reading.date)
        }
        if let d = number(parts[0]), let m = month(parts[1]), let y = year(parts[2]) {
            return LocalDate(year: y, month: m, day: d).map(Reading.date)
        }
        if let m = month(parts[0]), let d = number(parts[1]), let y = year(parts[2]) {
            return LocalDate(year: y, month: m, day: d).map(Reading.date)
        }
        if let a = number(parts[0]), let b = number(parts[1]), let y = year(parts[2]) {
            return .numeric(a, b, y)
        }
        return nil
    }

    /// A date read with `order` for one written with numbers only.
    static func resolve(_ reading: Reading, _ order: Order) -> LocalDate? {
        switch reading {
        case .date(let date): return date
        case .numeric(let a, let b, let y):
            return order == .mdy ? LocalDate(year: y, month: a, day: b) : LocalDate(year: y, month: b, day: a)
        }
    }
}
