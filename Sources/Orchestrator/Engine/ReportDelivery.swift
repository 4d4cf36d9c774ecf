import Blueprint
import Foundation

/// Delivers a daily or weekly report: its files into the reports folder, and an email of its plain
/// Markdown to every recipient of `schedules.daily_report` that is an address, queued through the
/// outbox like any email (once per report and recipient, by its idempotency key).
struct ReportDelivery: Sendable {
    let blueprint: Blueprint
    let store: any RuntimeStorage
    /// Where the reports are written.
    let folder: String
    /// Renders a report as files, by extension (`md`, `html`).
    let render: @Sendable (DailyReport) throws -> [(fileExtension: String, text: String)]

    /// Writes `report` as `PREFIX-YYYY-MM-DD.EXT` and queues its emails at `now`; returns the first
    /// file's path.
    func deliver(_ report: DailyReport, at now: Date) async throws -> String? {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        let name = report.fileName
        for (fileExtension, text) in try render(report) {
            let path = (folder as NSString).appendingPathComponent("\(name).\(fileExtension)")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            written.append(path)
        }
        let recipients = blueprint.schedules.dailyReport.recipients.filter { $0.contains("@") }
        let (subject, markdown) = ("\(report.span.title): \(report.day)", report.markdown)
        try await store.transaction { tx in
            for recipient in recipients {
                try tx.queueAction(
                    key: "\(name)-\(recipient)", caseID: "\(report.span.prefix)-report",
                    agent: DailyReportJob.agentName,
                    action: .emailSend,
                    payloadJSON: StringMapJSON.encode(["to": recipient, "subject": subject, "body": markdown]), at: now)
            }
        }
        return written.first
    }
}
