import ArgumentParser
import Foundation
import Orchestrator

/// `baton kpis`: what the running system measured, now (`show`, the default) or as the sealed
/// snapshot for the review (`export`). Each subcommand takes, and lists in its help, its own options.
struct KPIsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpis", abstract: "Measured KPIs against the blueprint's baselines and targets.",
        subcommands: [KPIsShowCommand.self, KPIsExportCommand.self], defaultSubcommand: KPIsShowCommand.self)
}

/// `baton kpis [show]`: lead first response and customer inquiries' first answer against baseline and
/// target, work per agent, escalations, over the last day (on the runtime's clock) or from a day.
struct KPIsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Measured KPIs against the blueprint's baselines and targets (the default of `baton kpis`).")
    @OptionGroup var runtime: RuntimeOptions
    @Option(
        help: ArgumentHelp(
            "From this day (YYYY-MM-DD, the business's midnight) up to now; default the last 24 hours.",
            valueName: "date"))
    var since: String?
    @Flag(help: "The whole history (its cost grows with the history; a period reads only its own days).")
    var all = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await reportingFailures {
            let blueprint = try runtime.blueprint()
            let store = try await runtime.store()
            // The last 24 hours on the runtime's clock (BATON_NOW moves it), as the store records time.
            var from = store.clock().addingTimeInterval(-86_400)
            if all { from = .distantPast }
            if let since {
                guard let day = DayArgument.parse(since),
                    let zone = TimeZone(identifier: blueprint.business.timeZone)
                else { throw Failure("--since takes a real day as YYYY-MM-DD, not '\(since)'") }
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = zone
                let parts = since.split(separator: "-").compactMap { Int($0) }
                from = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) ?? day
            }
            let kpis = try await KPIs.measure(store, blueprint: blueprint, from: from, to: .distantFuture)
            if json { return printText(try jsonText(kpis)) }
            func minutes(_ value: Double?) -> String { value.map { String(format: "%.2f min", $0) } ?? "—" }
            printText(
                "Leads answered: \(kpis.leadsAnswered); first response p50 \(minutes(kpis.firstResponseP50Minutes)), p90 \(minutes(kpis.firstResponseP90Minutes))"
            )
            if let b = kpis.baselineMinutes, let t = kpis.targetMinutes {
                printText("Baseline \(Int(b)) min → target \(Int(t)) min")
            }
            if kpis.inquiriesReceived > 0 {
                printText(
                    "Customer inquiries answered: \(kpis.inquiriesAnswered) of \(kpis.inquiriesReceived); first answer p50 \(minutes(kpis.inquiryFirstAnswerP50Minutes)), p90 \(minutes(kpis.inquiryFirstAnswerP90Minutes))"
                )
            }
            printText(
                "Tasks per agent: "
                    + kpis.tasksPerAgent.keys.sorted().map { "\($0) \(kpis.tasksPerAgent[$0]!)" }.joined(
                        separator: ", "))
            printText("Escalations: \(kpis.escalations); refusals: \(kpis.denials)")
        }
    }
}
