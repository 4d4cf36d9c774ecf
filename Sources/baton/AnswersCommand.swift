import ArgumentParser
import AssessmentFlow
import Foundation
import Questionnaire

/// `baton answers export ID`: the answers as a file that `baton assess --answers` reads back.
struct AnswersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answers",
        abstract: "Export an assessment's answers.",
        subcommands: [Export.self]
    )

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an assessment's answers as YAML or JSON.",
            discussion:
                "The file round-trips: `baton assess --answers FILE` creates an assessment with the same answers."
        )

        @OptionGroup var workspaceOptions: WorkspaceOptions

        @Argument(help: "The assessment id (see `baton list`).")
        var id: Int64

        @Option(help: "yaml or json.")
        var format: FormatOption = .yaml

        @Option(
            name: [.short, .long],
            help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
        var output: String?

        func run() throws {
            try reportingFailures {
                let saved = try SavedAssessment.open(id, in: workspaceOptions.open())
                let text = AnswersFile.export(saved.interview, format: format.format)
                if let output {
                    do {
                        try text.write(toFile: output, atomically: true, encoding: .utf8)
                    } catch {
                        throw Failure("cannot write \(output): \(error.localizedDescription)")
                    }
                    printError("Wrote \(saved.interview.effectiveAnswers.count) answers to \(output)")
                } else {
                    print(text, terminator: "")
                }
            }
        }
    }
}

/// `--format yaml|json`.
enum FormatOption: String, ExpressibleByArgument, CaseIterable {
    case yaml, json

    var format: AnswersFile.Format { self == .yaml ? .yaml : .json }
}
