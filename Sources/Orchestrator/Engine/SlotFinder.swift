import Blueprint
import Foundation

/// Free appointment times within working hours, in the business's time zone, after a moment. Pure.
struct SlotFinder: Sendable {
    let hours: WorkingHours
    let timeZone: String
    let busy: [DateInterval]
    let from: Date

    func slots(count: Int, minutes: Int) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        let names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        func clock(_ text: String) -> (Int, Int) {
            let parts = text.split(separator: ":").compactMap { Int($0) }
            return (parts.first ?? 9, parts.count > 1 ? parts[1] : 0)
        }
        let (startHour, startMinute) = clock(hours.start)
        let (endHour, endMinute) = clock(hours.end)
        var found: [Date] = []
        var day = calendar.startOfDay(for: from)
        for _ in 0..<21 where found.count < count {
            let weekday = names[calendar.component(.weekday, from: day) - 1]
            if hours.days.contains(weekday),
                var slot = calendar.date(bySettingHour: startHour, minute: startMinute, second: 0, of: day),
                let close = calendar.date(bySettingHour: endHour, minute: endMinute, second: 0, of: day)
            {
                while found.count < count, slot.addingTimeInterval(Double(minutes) * 60) <= close {
                    let interval = DateInterval(start: slot, duration: Double(minutes) * 60)
                    // At least an hour's notice, and never over a busy time.
                    if slot >= from.addingTimeInterval(3600),
                        !busy.contains(where: { $0.intersects(interval) && $0.end != slot && $0.start != interval.end })
                    {
                        found.append(slot)
                    }
                    slot = slot.addingTimeInterval(Double(minutes) * 60)
                }
            }
            day = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86400)
        }
        return found
    }

    /// Whether `minutes` from `start` are free: an hour's notice, within working hours that day,
    /// over nothing busy.
    func isFree(_ start: Date, minutes: Int) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        let names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        let end = start.addingTimeInterval(Double(minutes) * 60)
        func at(_ text: String) -> Date? {
            let parts = text.split(separator: ":").compactMap { Int($0) }
            return calendar.date(
                bySettingHour: parts.first ?? 0, minute: parts.count > 1 ? parts[1] : 0, second: 0, of: start)
        }
        guard start >= from.addingTimeInterval(3600),
            hours.days.contains(names[calendar.component(.weekday, from: start) - 1]),
            let open = at(hours.start), let close = at(hours.end), start >= open, end <= close
        else { return false }
        let wanted = DateInterval(start: start, end: end)
        return !busy.contains { $0.intersects(wanted) && $0.end != start && $0.start != end }
    }
}
