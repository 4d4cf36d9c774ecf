import Foundation

/// A day given on the command line as `YYYY-MM-DD` (`--date`, `--since`, `--before`…).
package enum DayArgument {
    /// The day `text` names, or `nil` unless it is a real day written `YYYY-MM-DD`: a date that
    /// only parses by rolling over (2026-02-30 would become March 2) is refused.
    package static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        guard let date = formatter.date(from: text), formatter.string(from: date) == text else { return nil }
        return date
    }
}
