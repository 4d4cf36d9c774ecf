import Blueprint
import Foundation

/// Writes the daily report at the blueprint's time in the business's time zone, once a day,
/// remembering the last run in the database so that a restart neither skips nor repeats it.
public struct DailyReportJob: Sendable {
    /// Who the report's emails are from in the outbox and the audit log: the system's clock.
    static let agentName = "clock"
    public let blueprint: Blueprint
    let store: any RuntimeStorage
    /// Writes the report's files and queues its emails.
    let delivery: ReportDelivery

    /// - Parameter render: renders a day as files, by extension (`md`, `html`); the default is the
    ///   plain Markdown.
    package init(
        blueprint: Blueprint, store: any RuntimeStorage, folder: String,
        render: @escaping @Sendable (DailyReport) throws -> [(fileExtension: String, text: String)] = {
            [("md", $0.markdown)]
        }
    ) {
        self.blueprint = blueprint
        self.store = store
        delivery = ReportDelivery(blueprint: blueprint, store: store, folder: folder, render: render)
    }

    /// The first report time strictly after `date`, in the business's time zone.
    public func nextRun(after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        let parts = blueprint.schedules.dailyReport.time.split(separator: ":").compactMap { Int($0) }
        let wanted = DateComponents(hour: parts.first ?? 17, minute: parts.count > 1 ? parts[1] : 0)
        return calendar.nextDate(after: date, matching: wanted, matchingPolicy: .nextTime)
            ?? date.addingTimeInterval(86400)
    }

    /// Writes the report when it is due; returns its path, or `nil` when nothing was due.
    @discardableResult
    public func runIfDue() async throws -> String? {
        let now = store.clock()
        guard let last = try await store.lastRun(Self.jobName) else {
            // First start: the first report is the next one due, not one for the past.
            try await remember(now)
            return nil
        }
        let due = nextRun(after: last)
        guard now >= due else { return nil }
        // Everything since the previous report (or the start), so the evening after one report is in the next.
        let report = try await DailyReport(store, blueprint: blueprint, since: last, until: due)
        let written = try await delivery.deliver(report, at: now)
        try await tick(due, report: report)
        try await remember(due)
        return written
    }

    /// The clock's own events, once each: `schedule.daily` every day and `schedule.weekly` on
    /// Fridays, carrying the week's figures for the agents that consume them.
    private func tick(_ due: Date, report: DailyReport) async throws {
        try await store.submit(
            IntakeEvent(
                type: "schedule.daily", caseID: "clock-\(report.isoDay)", payloadJSON: "{}", producer: "clock",
                idempotencyKey: "daily-\(report.isoDay)"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        guard calendar.component(.weekday, from: due) == 6 else { return }
        let weekStart = calendar.date(byAdding: .day, value: -6, to: calendar.startOfDay(for: due)) ?? due
        let week = try await KPIs.measure(store, blueprint: blueprint, from: weekStart, to: due)
        var payload: [String: String] = [
            "week_ending": report.day, "leads_answered": "\(week.leadsAnswered)",
            "tasks": "\(week.tasksPerAgent.values.reduce(0, +))",
            "escalations": "\(week.escalations)", "denials": "\(week.denials)",
        ]
        if let to = blueprint.schedules.dailyReport.recipients.first(where: { $0.contains("@") }) { payload["to"] = to }
        try await store.submit(
            IntakeEvent(
                type: "schedule.weekly", caseID: "clock-week-\(report.isoDay)",
                payloadJSON: StringMapJSON.encode(payload),
                producer: "clock", idempotencyKey: "weekly-\(report.isoDay)"))
    }

    private func remember(_ date: Date) async throws {
        try await store.transaction { try $0.setLastRun(Self.jobName, at: date) }
    }

    /// The job's name where its last run is remembered.
    static let jobName = "daily_report"
}
