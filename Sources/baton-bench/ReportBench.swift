import ArgumentParser
import AssessmentFlow
import Foundation
import Reports
import Scoring

extension BatonBench {
    /// `baton-bench report`: one HTML report, and many reports (HTML + JSON), timed.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render reports of generated assessments: the time of one HTML report and of N (HTML + JSON).")

        @Option(help: "How many reports (HTML + JSON) to render in the batch.")
        var count = 1_000

        @Option(help: "Seed of the generated assessments.")
        var seed: UInt64 = 2

        func run() throws {
            let folder = try PackLocator.locate(PackLocator.defaultPack).get()
            let templates = try PackLocator.bundledTemplates()
            let model = try ScoringModel.load(packFolder: folder)
            let renderer = ReportRenderer(templates: try TemplateSet(folder: templates))
            var generator = ProfileGenerator(seed: seed, workflowTypes: Array(model.parameters.workflows.keys))
            let scorer = Scorer(model: model)
            let planner = BlueprintPlanner(catalog: model.catalog)
            let inputs = try (0..<count).map { i in
                let profile = generator.next()
                let result = try scorer.score(profile)
                return ReportInput(
                    result: result, assessmentID: Int64(i + 1), date: ExampleReports.exampleDate, notes: [],
                    branding: .standard,
                    paper: .letter, model: model, blueprint: planner.blueprint(for: result, profile: profile))
            }
            _ = try renderer.render(inputs[0], as: .html)
            var single: [Double] = []
            for input in inputs.prefix(50) {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try renderer.render(input, as: .html)
                single.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            single.sort()
            let start = DispatchTime.now().uptimeNanoseconds
            var bytes = 0
            for input in inputs {
                bytes += try renderer.render(input, as: .html).utf8.count + renderer.render(input, as: .json).utf8.count
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print(
                "report: one HTML report in \(String(format: "%.2f", single[single.count / 2])) ms (median of 50; max \(String(format: "%.2f", single.last!)) ms); target under 50 ms"
            )
            print(
                "  \(count) reports (HTML + JSON) in \(String(format: "%.2f", seconds)) s (\(String(format: "%.1f", Double(bytes) / 1e6)) MB); target under 10 s"
            )
        }
    }
}
