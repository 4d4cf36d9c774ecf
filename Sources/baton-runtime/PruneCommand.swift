import ArgumentParser
import Foundation
import Orchestrator

/// `baton prune --before DATE`: old detail goes, the figures stay.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove old audit detail and closed cases' payloads, keeping every figure.",
        discussion: """
            Before DATE (midnight where the business is, from the blueprint in the data folder; UTC \
            without one):

              - audit lines lose the agents' notes and their detail text, except the edge cases the \
            daily report prints (denied, dead, timeout, failed); the lines themselves stay;
              - closed cases (nothing happened on them since DATE, and nothing waits: no pending or dead event, \
            no queued or held action, no pending approval) lose their event payloads, their shared \
            context, their sent and dead actions' payloads and their decided approvals' evidence.

            Every row the KPIs, the daily report, /metrics and `baton cases list` count is kept, so \
            their figures for any day are the same after a prune. Pending events, queued or held \
            actions and pending approvals are never touched. The database file does not shrink: \
            SQLite reuses the freed pages for new data.

            A DATE after the start of today (it would take today's detail) is refused without --force.
            """)

    @OptionGroup var runtime: RuntimeOptions
    @Option(help: ArgumentHelp("Prune what is older than this day (YYYY-MM-DD).", valueName: "date"))
    var before: String
    @Flag(help: "Prune even when DATE is after the start of today.") var force = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingFailures {
            guard DayArgument.parse(before) != nil else {
                throw Failure("--before takes a real day as YYYY-MM-DD, not '\(before)'")
            }
            let zoneName = (try? runtime.blueprint())?.business.timeZone ?? "UTC"
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zoneName) ?? .gmt
            let parts = before.split(separator: "-").compactMap { Int($0) }
            guard let cut = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else {
                throw Failure("--before takes a real day as YYYY-MM-DD, not '\(before)'")
            }
            let store = try await runtime.store()
            let today = calendar.startOfDay(for: store.clock())
            if cut > today, !force {
                let what = cut > store.clock() ? "is in the future" : "is after the start of today"
                throw Failure(
                    "--before \(before) \(what) (\(zoneName)): it would remove today's detail; pass --force if that is meant"
                )
            }
            let summary = try await store.pruneHistory(before: cut)
            if json { return printText(try jsonText(summary)) }
            printText("Pruned before \(before) 00:00 (\(zoneName)):")
            printText("  audit lines cleared of notes and detail: \(summary.auditLines)")
            printText(
                "  closed cases: \(summary.closedCases) (event payloads \(summary.eventPayloads), contexts \(summary.contexts), action payloads \(summary.outboxPayloads), approval evidence \(summary.approvalEvidence))"
            )
            printText("  cases left whole (active since, or with work waiting): \(summary.openCases)")
        }
    }
}
