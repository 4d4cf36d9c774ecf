import ArgumentParser
import Foundation
import Questionnaire
import Workspace

/// `baton note ID "text"`: a consultant's note that appears in the assessment's report.
struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "note",
        abstract: "Add a note to an assessment; notes appear in its report.",
        discussion: "Example: baton note 3 \"Owner wants to keep phone intake; start with web leads.\""
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The assessment id (see `baton list`).")
    var id: Int64

    @Argument(help: "The note's text.")
    var text: String

    func validate() throws {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("the note is empty") }
    }

    func run() throws {
        try reportingFailures {
            // A note is text from a person like an answer, held to the same rule (AnswerText).
            let note: String
            do throws(AnswerProblem) {
                note = try AnswerText.clean(text, multiline: true)
            } catch {
                throw Failure("the note cannot be saved: \(error.message)")
            }
            let workspace = try workspaceOptions.open()
            try workspace.addNote(note, to: id)
            printText("Added a note to assessment \(id) (\(try workspace.notes(of: id).count) in all).")
        }
    }
}
