import Blueprint
import Foundation

/// Writes the weekly report once a week: at Monday midnight in the business's time zone, the week
/// that just ended (Monday to Monday midnight), delivered as the daily report it runs beside is
/// (files in the reports folder, an email to each recipient of `schedules.daily_report` that is an
/// address). The
/// last run is remembered in the database, so a restart neither skips nor repeats a week.
public struct WeeklyReportJob: Sendable {
    let blueprint: Blueprint
    let store: any RuntimeStorage
    let delivery: ReportDelivery

    /// The weekly report beside `daily`: the same blueprint, store, folder, templates and recipients.
    package init(beside daily: DailyReportJob) {
        blueprint = daily.blueprint
        store = daily.store
        delivery = daily.delivery
    }

    /// The first Monday midnight strictly after `date`, in the business's time zone (the next
    /// moment that day where midnight does not exist).
    public func nextRun(after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        return calendar.nextDate(
            after: date, matching: DateComponents(hour: 0, minute: 0, second: 0, weekday: 2), matchingPolicy: .nextTime)
            ?? date.addingTimeInterval(7 * 86400)
    }

    /// Writes the report of the week that ended when it is due; returns its path, or `nil` when
    /// nothing was due. The first start only remembers the time: the first report is the next one
    /// due, not one for the past. After a stop of several weeks, each missed week is written in turn.
    @discardableResult
    public func runIfDue() async throws -> String? {
        let now = store.clock()
        guard let last = try await store.lastRun(Self.jobName) else {
            try await remember(now)
            return nil
        }
        let due = nextRun(after: last)
        guard now >= due else { return nil }
        // The week that ends at `due`: the one holding the Sunday noon before it.
        let report = try await DailyReport(store, blueprint: blueprint, week: due.addingTimeInterval(-12 * 3600))
        let written = try await delivery.deliver(report, at: now)
        try await remember(due)
        return written
    }

    private func remember(_ date: Date) async throws {
        try await store.transaction { try $0.setLastRun(Self.jobName, at: date) }
    }

    /// The job's name where its last run is remembered.
    static let jobName = "weekly_report"
}
