import Blueprint
import Foundation

/// Writes the daily report at the blueprint's time in the business's time zone, once a day,
/// remembering the last run in the database so that a restart neither skips nor repeats it.
public struct DailyReportJob: Sendable {
    /// Who the report's emails are from in the outbox and the audit log: the system's clock.
    static let agentName = "clock"
    public let blueprint: Blueprint
    let store: any RuntimeStorage
    /// Where the reports are written.
    public let folder: String
    /// Renders a day as files, by extension (`md`, `html`); the default is the plain Markdown.
    let render: @Sendable (DailyReport) throws -> [(fileExtension: String, text: String)]

    package init(
        blueprint: Blueprint, store: any RuntimeStorage, folder: String,
        render: @escaping @Sendable (DailyReport) throws -> [(fileExtension: String, text: String)] = {
            [("md", $0.markdown)]
        }
    ) {
        self.blueprint = blueprint
        self.store = store
        self.folder = folder
        self.render = render
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
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        for (fileExtension, text) in try render(report) {
            let path = (folder as NSString).appendingPathComponent("daily-\(report.isoDay).\(fileExtension)")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            written.append(path)
        }
        // Sent to every recipient that is an email address, through the outbox like any email.
        let recipients = blueprint.schedules.dailyReport.recipients.filter { $0.contains("@") }
        let (day, isoDay, markdown) = (report.day, report.isoDay, report.markdown)
        try await store.transaction { tx in
            for recipient in recipients {
                try tx.queueAction(
                    key: "daily-\(isoDay)-\(recipient)", caseID: "daily-report", agent: Self.agentName,
                    action: .emailSend,
                    payloadJSON: StringMapJSON.encode([
                        "to": recipient, "subject": "Daily report: \(day)", "body": markdown,
                    ]), at: now)
            }
        }
        try await tick(due, report: report)
        try await remember(due)
        return written.first
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
                type: "schedule.weekly", caseID: "clock-week-\(report.isoDay)", payloadJSON: StringMapJSON.encode(payload),
                producer: "clock", idempotencyKey: "weekly-\(report.isoDay)"))
    }

    private func remember(_ date: Date) async throws {
        try await store.transaction { try $0.setLastRun(Self.jobName, at: date) }
    }

    /// The job's name where its last run is remembered.
    static let jobName = "daily_report"
}
