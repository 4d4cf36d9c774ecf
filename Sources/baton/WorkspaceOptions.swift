import ArgumentParser
import Workspace

/// `--workspace PATH`, shared by every command that reads or writes assessments.
struct WorkspaceOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The workspace folder.", discussion: "Default: $BATON_HOME, else ~/.baton.", valueName: "path"))
    var workspace: String?

    func open() throws -> Workspace {
        do {
            return try Workspace(directory: workspace ?? Workspace.defaultDirectory())
        } catch {
            throw Failure("\(error)")
        }
    }
}
