import ArgumentParser
import AssessmentFlow
import Foundation
import Scoring

/// `baton-bench`: measures Baton's hot paths and prints figures. Run it in a release build:
/// `swift run -c release baton-bench score`.
@main
struct BatonBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton-bench",
        abstract: "Benchmarks for Baton (use a release build: swift run -c release baton-bench …).",
        subcommands: [Score.self, Report.self, OrchestratorRun.self, OrchestratorWorker.self, SlowModel.self]
    )

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score generated assessments (Monte Carlo included) and print assessments per second.")

        @Option(help: "How many generated assessments to score.")
        var count = 10_000

        @Option(help: "Monte Carlo draws per assessment (default: the pack's scoring.yaml).")
        var samples: Int?

        @Option(help: "The pack whose parameters to use.")
        var pack = PackLocator.defaultPack

        @Option(help: "Seed of the generated assessments.")
        var seed: UInt64 = 1

        func run() throws {
            guard case .success(let folder) = PackLocator.locate(pack) else {
                throw ValidationError("no pack '\(pack)' found")
            }
            var model = try ScoringModel.load(packFolder: folder)
            if let samples { model.parameters.roi.monteCarlo.samples = samples }
            var generator = ProfileGenerator(seed: seed, workflowTypes: Array(model.parameters.workflows.keys))
            let profiles = (0..<count).map { _ in generator.next() }
            let scorer = Scorer(model: model)
            // One warm-up run, then the timed one.
            _ = try scorer.score(profiles[0])
            var checksum: Decimal = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for profile in profiles {
                checksum += try scorer.score(profile).roi.annualGrossBenefit.value
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let perSecond = Double(count) / seconds
            print("score: \(count) assessments in \(String(format: "%.3f", seconds)) s")
            print(
                "  \(String(format: "%.0f", perSecond)) assessments/s, \(String(format: "%.3f", seconds * 1000 / Double(count))) ms each"
            )
            print(
                "  Monte Carlo: \(model.parameters.roi.monteCarlo.samples) draws per assessment; target under 1 ms each"
            )
            print("  (checksum of gross benefit: \(checksum))")
        }
    }
}
