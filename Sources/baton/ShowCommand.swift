import ArgumentParser
import AssessmentFlow
import Foundation
import Questionnaire

/// `baton show ID`: one assessment and every answer given, in asking order.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one assessment and its answers."
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The assessment id (see `baton list`).")
    var id: Int64

    @Flag(help: "Print JSON: the assessment's fields and its answers by key.")
    var json = false

    func run() throws {
        try reportingFailures {
            let saved = try SavedAssessment.open(id, in: workspaceOptions.open())
            let s = saved.session
            if json {
                struct Shown: Encodable {
                    let assessment: SessionSummary
                    let answers: [String: AnswerValue]
                }
                var answers: [String: AnswerValue] = [:]
                for line in saved.answerLines { answers[line.key.description] = saved.interview.answers[line.key] }
                printText(try jsonText(Shown(assessment: SessionSummary(s), answers: answers)))
                return
            }
            let status =
                s.status == .completed ? "completed" : "in progress (resume with `baton assess --resume \(id)`)"
            printText("Assessment \(id): \(s.title ?? "(no name yet)")")
            printText("  pack      \(s.packID) v\(s.packVersion)")
            printText("  status    \(status)")
            printText("  answered  \(s.answered) of \(s.total)")
            printText("  started   \(SessionSummary.day(s.createdAt)), updated \(SessionSummary.day(s.updatedAt))")
            var lastSection = ""
            for step in saved.interview.plan {
                let p = saved.interview.presentation(of: step)
                if p.sectionTitle != lastSection {
                    printText("\n\(p.sectionTitle)")
                    lastSection = p.sectionTitle
                }
                let answer =
                    saved.interview.answers[step.key].map {
                        AnswerFormatter.display($0, for: p.question, choices: p.choices)
                    } ?? "(not answered yet)"
                printText("  \(p.prompt)\n    → \(answer)")
            }
        }
    }
}
