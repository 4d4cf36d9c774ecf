import ArgumentParser
import AssessmentFlow
import Foundation
import Scoring

/// `baton score ID`: the ranked opportunities, tier, ROI and readiness of an assessment.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score an assessment: opportunities, savings, cost tier, ROI and readiness.",
        discussion: """
            The model and its parameters are data in the pack (scoring.yaml, catalog.yaml, pricing.yaml) \
            and are explained in docs/scoring.md. Every run is stored in the workspace with the parameter \
            version; the saved answers never change.

            --set KEY=VALUE adjusts an assumption for this run only. Keys:
            \(ScoringOverrides.keys.map { "  \($0.key.padding(toLength: 14, withPad: " ", startingAt: 0)) \($0.meaning)" }.joined(separator: "\n"))

            Examples:
              baton score 3
              baton score 3 --set hourly_cost=55 --set scenario=low
              baton score 3 --json > result.json
            """
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The assessment id (see `baton list`).")
    var id: Int64

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override an assumption for this run (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Flag(help: "Print the whole result as JSON (versioned schema, stable key order).")
    var json = false

    func run() throws {
        try reportingFailures {
            let workspace = try workspaceOptions.open()
            let parsed = try ScoringOverrides(parsing: overrides)
            let result = try AssessmentScoring.score(
                try SavedAssessment.open(id, in: workspace), in: workspace, overrides: parsed)
            if json {
                print(escapingTerminalControls(inJSON: try result.jsonText()))
            } else {
                printText(ResultSummary.lines(result).joined(separator: "\n"))
            }
        }
    }
}
