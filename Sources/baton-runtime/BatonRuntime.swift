import ArgumentParser
import Foundation

/// `baton-runtime`: the running agent system and the commands that operate it. `baton run`,
/// `baton event`… run this binary, found beside `baton` (`RuntimeSubcommands` in `baton`), so the
/// assessment side builds and installs without the runtime's network stack.
@main
struct BatonRuntime: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: invokedName,
        abstract: "Run an agent system from its blueprint and operate it.",
        discussion: """
            Usually reached through baton: `baton run system.yaml` runs `baton-runtime run system.yaml` \
            found beside it. `baton --help` lists these commands with the assessment's.
            """,
        version: BatonVersion.number,
        subcommands: [
            RunCommand.self, EventCommand.self, ApprovalsCommand.self, CasesCommand.self, AuditCommand.self,
            KPIsCommand.self, CRMCommand.self, BooksCommand.self, PruneCommand.self, DailyReportCommand.self,
            StoreCommand.self,
        ]
    )

    /// The name usage and help print: `baton` when `baton` ran this binary (it passes its own name
    /// in argv), so `baton cases --help` teaches `baton cases …`; `baton-runtime` otherwise.
    static var invokedName: String {
        let first = CommandLine.arguments.first.map { ($0 as NSString).lastPathComponent }
        return first == "baton" ? "baton" : "baton-runtime"
    }
}
