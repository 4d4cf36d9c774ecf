import ArgumentParser
import AssessmentFlow
import Foundation
import Orchestrator
import Reports

/// `baton cases`, `baton audit`, `baton daily-report`: what the running system did.
struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "List cases, or show one case's timeline.", subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List cases, newest first, a page at a time, with their latest event.",
            discussion: """
                Cases are ordered by when they opened (their first event), newest first, and listed --limit \
                at a time. The last line names the cursor of the next page: pass it as --after CURSOR \
                (with --json, it is "next", null on the last page). A case keeps its place whatever happens \
                to it later, so paging while the system runs lists every case once; new cases appear on \
                the first page.
                """)
        @OptionGroup var runtime: RuntimeOptions
        @Option(help: ArgumentHelp("Cases per page.", valueName: "n")) var limit = RuntimeStore.defaultCasePage
        @Option(help: ArgumentHelp("The cursor a previous page printed: the page after it.", valueName: "cursor"))
        var after: String?
        @Flag(help: "Print JSON: {\"cases\": [...], \"next\": CURSOR or null}.") var json = false

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit takes a positive number of cases") }
        }

        func run() async throws {
            try await reportingFailures {
                let page: CasePage
                do {
                    page = try await runtime.store().casePage(limit: limit, after: after)
                } catch let error as CaseCursorError {
                    throw Failure(error.description)
                }
                let formatter = ISO8601DateFormatter()
                if json {
                    struct Listed: Encodable {
                        let cases: [[String: String]]
                        let next: String?
                        func encode(to encoder: Encoder) throws {
                            var container = encoder.container(keyedBy: Key.self)
                            try container.encode(cases, forKey: .cases)
                            try container.encode(next, forKey: .next)
                        }
                        enum Key: String, CodingKey { case cases, next }
                    }
                    let rows = page.cases.map {
                        [
                            "id": $0.id, "latest_event": $0.latestEvent, "events": "\($0.events)",
                            "opened": formatter.string(from: $0.openedAt),
                            "latest": formatter.string(from: $0.latestAt),
                        ]
                    }
                    return printText(try jsonText(Listed(cases: rows, next: page.next)))
                }
                for c in page.cases {
                    printText(
                        "\(c.id)  \(c.latestEvent)  \(c.events) events  opened \(formatter.string(from: c.openedAt))")
                }
                if let next = page.next {
                    printText("next page: baton cases list --limit \(limit) --after \(next)")
                } else {
                    printText(page.cases.isEmpty && after == nil ? "no cases yet" : "(last page)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        /// `a=1; b=2`, keys sorted.
        static func line(_ notes: [String: String]) -> String {
            notes.keys.sorted().map { "\($0)=\(notes[$0]!)" }.joined(separator: "; ")
        }

        static let configuration = CommandConfiguration(
            abstract: "A case's timeline: events, decisions and effects, with the shared context.")
        @OptionGroup var runtime: RuntimeOptions
        @Argument var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingFailures {
                let store = try await runtime.store()
                let audit = try await store.auditAsync(caseID: id)
                if audit.isEmpty { throw Failure("no case \(id) (see `baton cases list`)") }
                let context = try await store.contextAsync(caseID: id)
                // The case's mark: events that failed every try and wait for a person.
                let dead = try await store.caseEvents(id).filter { $0.status == .dead }
                if json {
                    /// A timeline line, with the agent's notes at that step as an object.
                    struct Step: Encodable {
                        let entry: AuditEntry
                        func encode(to encoder: Encoder) throws {
                            try entry.encode(to: encoder)
                            var container = encoder.container(keyedBy: Key.self)
                            try container.encodeIfPresent(entry.notesJSON.map { _ in entry.notes }, forKey: .notes)
                        }
                        enum Key: String, CodingKey { case notes }
                    }
                    struct DeadLetter: Encodable {
                        let event: Int64
                        let type: String
                        let attempts: Int
                        let error: String
                    }
                    struct Shown: Encodable {
                        let timeline: [Step]
                        let context: [String: [String: String]]
                        let deadLetters: [DeadLetter]
                        enum CodingKeys: String, CodingKey { case timeline, context, deadLetters = "dead_letters" }
                    }
                    return printText(
                        try jsonText(
                            Shown(
                                timeline: audit.map(Step.init), context: context.notes,
                                deadLetters: dead.map {
                                    DeadLetter(
                                        event: $0.id!, type: $0.type, attempts: $0.attempts, error: $0.lastError ?? "")
                                })))
                }
                for event in dead {
                    printText(
                        "dead-lettered: \(event.lastError ?? "no error kept") (event \(event.id!), \(event.type), failed \(event.attempts) times; `baton event retry \(event.id!)` puts it back)"
                    )
                }
                if !dead.isEmpty { printText("") }
                let formatter = ISO8601DateFormatter()
                for entry in audit {
                    printText(
                        "\(formatter.string(from: entry.at))  \(entry.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(entry.agent ?? "-")  \(entry.detail)"
                    )
                    // What the agent added to the context at this step: its handoff to the next one.
                    let added = entry.notes.filter { $0.key != "summary" }
                    if !added.isEmpty { printText("      + \(Self.line(added))") }
                }
                printText("\nContext (version \(context.version)):")
                for key in context.notes.keys.sorted() { printText("  \(key): \(Self.line(context.notes[key]!))") }
            }
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log: every event, decision, refusal, approval and effect.")
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "Only this agent.") var agent: String?
    @Option(help: ArgumentHelp("Only entries at or after this ISO 8601 time.", valueName: "time")) var since: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingFailures {
            var entries = try await runtime.store().auditAsync(caseID: nil)
            if let agent { entries = entries.filter { $0.agent == agent } }
            if let since {
                guard let date = ISO8601DateFormatter().date(from: since) else {
                    throw Failure("--since takes an ISO 8601 time, e.g. 2026-03-02T09:00:00Z")
                }
                entries = entries.filter { $0.at >= date }
            }
            if json { return printText(try jsonText(entries)) }
            let formatter = ISO8601DateFormatter()
            for e in entries {
                printText("\(formatter.string(from: e.at))  \(e.caseID)  \(e.kind)  \(e.agent ?? "-")  \(e.detail)")
            }
        }
    }
}

struct DailyReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daily-report",
        abstract: "Write the daily report of what every agent did (with --week, the weekly report).",
        discussion: """
            A day is midnight to midnight, a week Monday midnight to Monday midnight, in the business's \
            time zone; each KPI of the blueprint is shown against its baseline and target. Files: \
            OUT/daily-YYYY-MM-DD.* or OUT/weekly-MONDAY.*. `baton run` writes both by itself: the daily \
            report at schedules.daily_report.time, the weekly report at Monday midnight.
            """)
    @OptionGroup var runtime: RuntimeOptions
    @Option(
        help: ArgumentHelp(
            "The day (YYYY-MM-DD), or with --week a day of the week; default today on the runtime's clock.",
            valueName: "date"))
    var date: String?
    @Flag(help: "The week (Monday to Sunday) that holds the day: the weekly report.") var week = false
    @Option(help: ArgumentHelp("The output folder.", valueName: "dir")) var out = "reports"

    func run() async throws {
        try await reportingFailures {
            let blueprint = try runtime.blueprint()
            let store = try await runtime.store()
            let day =
                try date.map { text -> Date in
                    // Noon of that day where the business is, so every time zone lands on the day asked for.
                    guard DayArgument.parse(text) != nil,
                        let zone = TimeZone(identifier: blueprint.business.timeZone)
                    else { throw Failure("--date takes a real day as YYYY-MM-DD, not '\(text)'") }
                    var calendar = Calendar(identifier: .gregorian)
                    calendar.timeZone = zone
                    let parts = text.split(separator: "-").compactMap { Int($0) }
                    return calendar.date(
                        from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))!
                } ?? store.clock()
            let report = try await
                (week
                ? DailyReport(store, blueprint: blueprint, week: day) : DailyReport(store, blueprint: blueprint, day: day))
            let files = try DailyReportTemplates(folder: PackLocator.bundledTemplates()).render(report.templateValues)
            let text = report.markdown
            printText(text.hasSuffix("\n") ? text : text + "\n", terminator: "")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            for (fileExtension, content) in files {
                let path = (out as NSString).appendingPathComponent("\(report.fileName).\(fileExtension)")
                try content.write(toFile: path, atomically: true, encoding: .utf8)
                printError("Wrote \(path)")
            }
        }
    }
}
