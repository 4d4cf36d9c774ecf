import Blueprint
import Foundation

/// When an unpaid invoice is chased, as a pure value over the times it is given: `invoice.due` on
/// its due date, then a reminder at each of the blueprint's days overdue, each at the business's
/// local morning (the invoice agent's `reminder_time` in `business.time_zone`), moved on to the
/// next working day when it falls on a day off. The books clock (``BooksClock``) runs it.
public struct InvoiceChase: Sendable {
    /// Days past the due date a reminder goes out: 0 (the due date itself), then the blueprint's.
    public let steps: [Int]
    let zone: TimeZone
    let hour: Int
    let minute: Int
    /// The business's working days as `Calendar` weekdays (1 is Sunday).
    let workingDays: Set<Int>

    public init(blueprint: Blueprint) {
        let reminders = blueprint.invoiceReminders
        let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
        self.init(
            daysOverdue: reminders.daysOverdue, timeZone: TimeZone(identifier: blueprint.business.timeZone) ?? .gmt,
            time: reminders.time,
            workingDays: Set(blueprint.business.workingHours.days.compactMap { days.firstIndex(of: $0).map { $0 + 1 } })
        )
    }

    /// - Parameters:
    ///   - time: `HH:MM`, the local morning.
    ///   - workingDays: `Calendar` weekdays (1 is Sunday); empty means every day.
    public init(daysOverdue: [Int], timeZone: TimeZone, time: String, workingDays: Set<Int> = []) {
        steps = [0] + daysOverdue.filter { $0 > 0 }.sorted()
        zone = timeZone
        let parts = time.split(separator: ":").compactMap { Int($0) }
        hour = parts.first ?? 9
        minute = parts.count > 1 ? parts[1] : 0
        self.workingDays = workingDays.isEmpty ? Set(1...7) : workingDays
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// The day a step falls on: `days` after the due date, or the next working day after that.
    public func day(ofStep days: Int, dueOn due: LocalDate) -> LocalDate? {
        guard var day = due.adding(days: days) else { return nil }
        for _ in 0..<7 {
            let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12))
            guard let noon, !workingDays.contains(calendar.component(.weekday, from: noon)) else { break }
            guard let next = day.adding(days: 1) else { return nil }
            day = next
        }
        return day
    }

    /// When a step goes out: its day (``day(ofStep:dueOn:)``) at the local morning, whatever the
    /// offset from UTC is that day (a daylight-saving change moves the UTC hour, not the local one).
    public func time(ofStep days: Int, dueOn due: LocalDate) -> Date? {
        guard let day = day(ofStep: days, dueOn: due) else { return nil }
        return calendar.date(
            from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))
    }

    /// The step to raise at `now`: the latest one whose time has come, when it is later than the
    /// last one raised (`chased`); nil when the invoice is not owed or nothing new is due. A clock
    /// that was stopped across several steps sends the latest one only, not each it missed.
    public func step(for invoice: Invoice, chased: Int?, at now: Date) -> Int? {
        guard invoice.isOwed, let due = invoice.due else { return nil }
        guard let latest = steps.last(where: { (time(ofStep: $0, dueOn: due) ?? .distantFuture) <= now }) else {
            return nil
        }
        if let chased, chased >= latest { return nil }
        return latest
    }

    /// Whole days past the due date on the local day of `now` (negative before it).
    public func daysOverdue(_ due: LocalDate, at now: Date) -> Int {
        guard let today = LocalDate.on(now, in: zone) else { return 0 }
        return due.days(to: today)
    }

    /// The local day `now` falls on.
    public func today(at now: Date) -> LocalDate? { LocalDate.on(now, in: zone) }
}
