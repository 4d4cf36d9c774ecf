import ArgumentParser
import AssessmentFlow
import Blueprint
import Diagnostics
import Foundation
import Questionnaire

/// `baton blueprint`: the recommended agent system as a validated config file.
struct BlueprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blueprint",
        abstract: "Write, validate, explain and describe agent-system blueprints.",
        discussion: """
            Examples:
              baton blueprint 3 -o northside.blueprint.yaml   # the recommended system of assessment 3
              baton blueprint validate northside.blueprint.yaml
              baton blueprint explain northside.blueprint.yaml
              baton blueprint schema > blueprint.schema.json
            """,
        subcommands: [Write.self, Validate.self, Explain.self, Schema.self],
        defaultSubcommand: Write.self
    )

    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "write",
            abstract: "Write the blueprint of an assessment's recommended agent system (least privilege).")

        @OptionGroup var workspaceOptions: WorkspaceOptions

        @Argument(help: "The assessment id (see `baton list`).")
        var id: Int64

        @Option(
            name: [.short, .long],
            help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
        var output: String?

        @Flag(help: "Write JSON instead of YAML.")
        var json = false

        @Option(
            help: ArgumentHelp(
                "The blueprint's date (YYYY-MM-DD); default today on the runtime's clock (BATON_NOW).",
                valueName: "date"))
        var date: String?

        func run() throws {
            try reportingFailures {
                let workspace = try workspaceOptions.open()
                let day = try date.map { text -> Date in
                    guard let day = DayArgument.parse(text) else {
                        throw Failure("--date takes YYYY-MM-DD, not '\(text)'")
                    }
                    return day
                }
                let blueprint = try AssessmentPlanning.blueprint(
                    try SavedAssessment.open(id, in: workspace), in: workspace, date: try day ?? RuntimeClock.from()())
                let text = json ? try BlueprintFile.json(blueprint) : try BlueprintFile.yaml(blueprint)
                if let output {
                    do {
                        try text.write(toFile: output, atomically: true, encoding: .utf8)
                    } catch {
                        throw Failure("cannot write \(output): \(error.localizedDescription)")
                    }
                    printError(
                        "Wrote \(output): \(blueprint.agents.count) agents, \(blueprint.approvals.count) approval rules."
                    )
                } else {
                    print(text, terminator: "")
                }
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a blueprint: every problem with file, line, column and a hint; exits non-zero on errors.")

        @Argument(help: "The blueprint file (YAML or JSON).")
        var file: String

        func run() throws {
            try reportingFailures {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw Failure("cannot read \(file)")
                }
                let loaded = BlueprintFile.check(yaml: text, file: file)
                for issue in loaded.issues { printText(issue.description) }
                let errors = loaded.errors.count
                let warnings = loaded.issues.count - errors
                if errors > 0 {
                    throw Failure(
                        "\(file): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
                    )
                }
                printText("\(file): valid\(warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "")")
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Say in plain words who does what, who may do what, and what waits for a person.")

        @Argument(help: "The blueprint file.")
        var file: String

        func run() throws {
            try reportingFailures {
                do {
                    printText(BlueprintExplainer.explain(try BlueprintFile.load(path: file)))
                } catch let error as PackLoadError {
                    throw Failure("\(error)\nfix it first: baton blueprint validate \(file)")
                }
            }
        }
    }

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the JSON Schema of the blueprint format.")

        func run() {
            print(BlueprintSchema.json(), terminator: "")
        }
    }
}
