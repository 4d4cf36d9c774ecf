import ArgumentParser
import AssessmentFlow
import Blueprint
import Foundation
import Questionnaire
import Reports
import Scoring

/// `baton demo`: the whole path on a bundled example business, with no configuration.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Score a bundled example business, write its report and its blueprint.",
        discussion: "Example businesses: \(DemoCommand.examples.joined(separator: ", ")).")

    static let examples = [
        "plumbing-contractor", "real-estate-team", "dental-clinic", "marketing-agency", "bookkeeping-firm",
    ]

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(help: "Which example business.")
    var example = "plumbing-contractor"

    @Option(help: ArgumentHelp("The output folder.", valueName: "dir"))
    var out = "reports"

    func validate() throws {
        if !Self.examples.contains(example) {
            throw ValidationError("unknown example '\(example)'; examples: \(Self.examples.joined(separator: ", "))")
        }
    }

    func run() throws {
        try reportingFailures {
            let packFolder = try PackLocator.locate(PackLocator.defaultPack).get()
            let templates = try PackLocator.bundledTemplates()
            let workspace = try workspaceOptions.open()
            let pack = try PackLoader.load(path: packFolder)
            let file = "\(packFolder)/examples/\(example).yaml"
            let yaml = try String(contentsOfFile: PackLoader.questionnaireFile(at: packFolder), encoding: .utf8)
            let imported = AnswersImport(
                try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
            let title: String? = {
                if case .text(let name) = imported.answers[AnswerKey(question: "business_name")] { return name }
                return nil
            }()
            let id = try workspace.createSession(pack: pack, path: packFolder, yaml: yaml)
            try workspace.saveCompleted(imported.answers, in: id, title: title)
            let saved = try SavedAssessment.open(id, in: workspace)
            let result = try AssessmentScoring.score(saved, in: workspace)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let base = (out as NSString).appendingPathComponent("\(id)-\(ReportCommand.slug(result.business.name))")
            let input = try AssessmentReporting.input(saved, in: workspace, paper: .letter, date: nil)
            try ReportRenderer(templates: try TemplateSet(folder: templates)).render(input, as: .html).write(
                toFile: base + ".html", atomically: true, encoding: .utf8)
            let blueprint = try AssessmentPlanning.blueprint(saved, in: workspace, date: try RuntimeClock.from()())
            try BlueprintFile.yaml(blueprint).write(toFile: base + ".blueprint.yaml", atomically: true, encoding: .utf8)
            printText(ResultSummary.lines(result).joined(separator: "\n"))
            printText(
                """

                Demo assessment \(id) (\(result.business.name)):
                  report     \(base).html
                  blueprint  \(base).blueprint.yaml (\(blueprint.agents.count) agents, \(blueprint.approvals.count) approval rules)

                Next: read the agent system in plain words, then run it and send it a lead:
                  baton blueprint explain \(base).blueprint.yaml
                  baton run \(base).blueprint.yaml
                  baton event send lead.received --payload '{"name": "Dana", "email": "dana@example.com", "timeline": "asap", "budget": "3000", "city": "Calgary"}'
                """)
        }
    }
}
