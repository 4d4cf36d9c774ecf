import ArgumentParser
import Workspace

/// `baton delete ID`: removes an assessment and its answers.
struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete an assessment and all its answers (there is no undo)."
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The assessment id (see `baton list`).")
    var id: Int64

    func run() throws {
        try reportingFailures {
            let workspace = try workspaceOptions.open()
            let session = try workspace.session(id)
            try workspace.delete(id)
            printText("Deleted assessment \(id) (\(session.title ?? "no name"), \(session.answered) answers).")
        }
    }
}
