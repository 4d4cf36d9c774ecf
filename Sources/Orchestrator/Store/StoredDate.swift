import Foundation

/// A date as GRDB stores it ("yyyy-MM-dd HH:mm:ss.SSS", UTC, to the nearest millisecond), computed
/// with integer arithmetic: the engine stamps every record it writes, and GRDB's formatter showed
/// in its profile. Same text, so stored dates still sort, compare and decode as GRDB's own (from
/// the Gregorian reform of 1582 on; before it GRDB's formatter counts Julian days, and no time the
/// runtime stores is that old).
enum StoredDate {
    static func text(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let ofDay = milliseconds - days * 86_400_000
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // Written in place as ASCII, without intermediate strings (years past 9999 take more digits,
        // as GRDB's formatter writes them; a negative year is not a time the runtime stores).
        guard year >= 0 else { return "\(year)" }
        return String(unsafeUninitializedCapacity: 32) { buffer in
            var index = 0
            func put(_ value: Int64, _ width: Int) {
                var digits = width
                var bound: Int64 = 1
                for _ in 0..<width { bound *= 10 }
                while value >= bound && digits < 19 {
                    bound *= 10
                    digits += 1
                }
                var rest = value
                for position in stride(from: index + digits - 1, through: index, by: -1) {
                    buffer[position] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                    rest /= 10
                }
                index += digits
            }
            func mark(_ byte: UInt8) {
                buffer[index] = byte
                index += 1
            }
            put(year, 4)
            mark(UInt8(ascii: "-"))
            put(month, 2)
            mark(UInt8(ascii: "-"))
            put(day, 2)
            mark(UInt8(ascii: " "))
            put(ofDay / 3_600_000, 2)
            mark(UInt8(ascii: ":"))
            put(ofDay / 60_000 % 60, 2)
            mark(UInt8(ascii: ":"))
            put(ofDay / 1000 % 60, 2)
            mark(UInt8(ascii: "."))
            put(ofDay % 1000, 3)
            return index
        }
    }
}
