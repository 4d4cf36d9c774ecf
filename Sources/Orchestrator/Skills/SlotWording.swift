import Foundation

/// How a time is written for a lead: "Monday March 2, 12:00 PM" in the business's time zone, and
/// ISO 8601 in UTC ("2026-03-02T19:00:00Z"), the text ICU's `DateFormatter` (`EEEE MMMM d, h:mm a`,
/// en_US_POSIX) and `ISO8601DateFormatter` wrote, made from the calendar's components. Those
/// formatters load ICU's date and number formatting (code and locale data, about a megabyte
/// resident) into the runtime to write two fixed patterns.
enum SlotWording {
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// `date` as the business reads it, in `calendar`'s time zone: "Monday March 2, 12:00 PM".
    static func local(_ date: Date, in calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.weekday, .month, .day, .hour, .minute], from: date)
        let weekday = weekdays[((parts.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((parts.month ?? 1) - 1 + 12) % 12]
        let hour = parts.hour ?? 0
        let minute = parts.minute ?? 0
        let twelve = hour % 12 == 0 ? 12 : hour % 12
        return
            "\(weekday) \(month) \(parts.day ?? 1), \(twelve):\(minute < 10 ? "0" : "")\(minute) \(hour < 12 ? "AM" : "PM")"
    }

    /// `date` in ISO 8601, UTC, to the second below it: "2026-03-02T19:00:00Z".
    static func iso(_ date: Date) -> String {
        // The stored form ("2026-03-02 19:00:00.000") of the whole second, in ISO's punctuation.
        let stored = StoredDate.text(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
        return String(stored.dropLast(4)).replacingOccurrences(of: " ", with: "T") + "Z"
    }
}
