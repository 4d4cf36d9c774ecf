import ArgumentParser
import Foundation
import TerminalUI
import Workspace

/// `baton list`: every assessment in the workspace with its status and progress.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the assessments in the workspace, newest first."
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Flag(help: "Print a JSON array of objects, each with its id, for scripts.")
    var json = false

    func run() throws {
        try reportingFailures {
            let sessions = try workspaceOptions.open().sessions()
            if json {
                printText(try jsonText(sessions.map(SessionSummary.init)))
                return
            }
            guard !sessions.isEmpty else {
                printText("No assessments yet. Start one with `baton assess`.")
                return
            }
            let rows = sessions.map { s -> [String] in
                let percent = s.total == 0 ? 0 : s.answered * 100 / s.total
                let status = s.status == .completed ? "completed" : "in progress"
                return [
                    "\(s.id ?? 0)", s.title.map { TerminalText.safe($0, multiline: false) } ?? "(no name yet)", status,
                    "\(s.answered)/\(s.total) (\(percent)%)",
                    SessionSummary.day(s.updatedAt),
                ]
            }
            printText(Table(header: ["ID", "BUSINESS", "STATUS", "ANSWERED", "UPDATED"], rows: rows).render())
        }
    }
}

/// The fields `list --json` and `show --json` print about an assessment.
struct SessionSummary: Encodable {
    let id: Int64
    let title: String?
    let pack: String
    let packVersion: Int
    let status: String
    let answered: Int
    let total: Int
    let createdAt: Date
    let updatedAt: Date
    let completedAt: Date?

    init(_ s: AssessmentSession) {
        id = s.id ?? 0
        title = s.title
        pack = s.packID
        packVersion = s.packVersion
        status = s.status.rawValue
        answered = s.answered
        total = s.total
        createdAt = s.createdAt
        updatedAt = s.updatedAt
        completedAt = s.completedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, title, pack, status, answered, total
        case packVersion = "pack_version", createdAt = "created_at", updatedAt = "updated_at", completedAt =
            "completed_at"
    }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}

/// A plain text table with columns padded to their widest cell.
struct Table {
    let header: [String]
    let rows: [[String]]

    func render() -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
