import ArgumentParser
import Blueprint
import Foundation
import Orchestrator
import Outcomes

/// `baton kpis export`: what the running system measured, as a sealed snapshot a business can send
/// to its consultant for the review (`baton report ID --actuals FILE`).
struct KPIsExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the measured KPIs as a versioned, sealed snapshot (aggregates only) for the review.",
        discussion: """
            The snapshot holds figures per day, per week and for the period (first response, replies \
            with and without a person, approvals, tasks, escalations, dead actions, hours taken over as \
            an estimate, the books), never a lead's name, address or message. Its digest changes with \
            any edit, so the review can tell. Schema: docs/outcomes.md.

            Examples:
              baton kpis export -o kpis.json                       # from the first day the system ran to today
              baton kpis export -o kpis.json --since 2026-03-02 --until 2026-03-15
              baton report 3 --actuals kpis.json                   # the review after N days
            """)

    @OptionGroup var runtime: RuntimeOptions

    @Option(
        help: ArgumentHelp(
            "The first day counted (YYYY-MM-DD, the business's calendar); default the day the system first ran.",
            valueName: "date"))
    var since: String?

    @Option(
        name: [.short, .long], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "The last day counted (YYYY-MM-DD); default today on the runtime's clock (BATON_NOW).", valueName: "date"))
    var until: String?

    @Option(
        help: ArgumentHelp(
            "Who exports it, as the snapshot records; default the account's user name.", valueName: "name"))
    var by: String?

    func validate() throws {
        for (name, value) in [("--since", since), ("--until", until)] {
            if let value, Self.day(value) == nil {
                throw ValidationError("\(name) takes a real day as YYYY-MM-DD, not '\(value)'")
            }
        }
        if let by, by.trimmingCharacters(in: .whitespaces).isEmpty || by.count > 200 {
            throw ValidationError("--by takes a name of 1 to 200 characters")
        }
    }

    static func day(_ text: String) -> LocalDate? {
        DayArgument.parse(text) == nil ? nil : LocalDate(iso: text)
    }

    func run() async throws {
        try await reportingFailures {
            let blueprint = try runtime.blueprint()
            let path = (runtime.folder as NSString).appendingPathComponent("blueprint.yaml")
            let blueprintText = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            let who = by ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
            let snapshot: KPISnapshot
            do {
                snapshot = try await OutcomeSnapshot.measure(
                    runtime.store(), blueprint: blueprint, blueprintDigest: ContentDigest.sha256(blueprintText),
                    since: since.flatMap(Self.day), until: until.flatMap(Self.day), exportedBy: who)
            } catch let error as OutcomeSnapshot.PeriodError {
                throw Failure("\(error)")
            }
            let text = try SnapshotFile.write(snapshot)
            guard let output else { return printText(text, terminator: "") }
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw Failure("cannot write \(output): \(error.localizedDescription)")
            }
            let leads = snapshot.total.leads
            printError(
                "Wrote \(output): \(snapshot.period.since) to \(snapshot.period.until) (\(snapshot.period.days) days), \(leads.received) leads, \(snapshot.kpis.count) KPIs; digest \(try SnapshotFile.digest(of: snapshot).prefix(19))…"
            )
        }
    }
}
