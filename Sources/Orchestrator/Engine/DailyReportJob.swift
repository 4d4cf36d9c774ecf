import Blueprint
import Foundation
import GRDB

/// Writes the daily report at the blueprint's time in the business's time zone, once a day,
/// remembering the last run in the database so that a restart neither skips nor repeats it.
public struct DailyReportJob: Sendable {
    public let blueprint: Blueprint
    let store: RuntimeStore
    /// Where the reports are written.
    public let folder: String

    public init(blueprint: Blueprint, store: RuntimeStore, folder: String) {
        self.blueprint = blueprint
        self.store = store
        self.folder = folder
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
    public func runIfDue() throws -> String? {
        let now = store.clock()
        let last = try store.database.read {
            try Date.fetchOne($0, sql: "SELECT last_run FROM schedule_state WHERE name = 'daily_report'")
        }
        guard let last else {
            // First start: the first report is the next one due, not one for the past.
            try remember(now)
            return nil
        }
        let due = nextRun(after: last)
        guard now >= due else { return nil }
        let text = try DailyReport.markdown(store, blueprint: blueprint, day: due.addingTimeInterval(-60))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        let day = calendar.dateComponents([.year, .month, .day], from: due)
        let path = (folder as NSString).appendingPathComponent(
            String(format: "daily-%04d-%02d-%02d.md", day.year ?? 0, day.month ?? 0, day.day ?? 0))
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try remember(due)
        return path
    }

    private func remember(_ date: Date) throws {
        try store.database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO schedule_state (name, last_run) VALUES ('daily_report', ?)",
                arguments: [date])
        }
    }
}
