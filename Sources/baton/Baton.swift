import ArgumentParser
import Foundation

/// `baton`: from a ten-minute assessment to a running agent system.
@main
struct Baton: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton",
        abstract: "Assess a small business's weekly workflows for AI automation.",
        discussion: """
            Start with `baton assess`: about ten minutes of questions in the terminal, every answer saved \
            as you give it. Then `baton list` and `baton show ID` to see what was saved.

            The workspace lives in $BATON_HOME (default ~/.baton); --workspace PATH picks another.
            """,
        version: BatonVersion.number,
        subcommands: [
            AssessCommand.self, ScoreCommand.self, ReportCommand.self, BlueprintCommand.self, DemoCommand.self,
            NoteCommand.self, ListCommand.self,
            ShowCommand.self, AnswersCommand.self,
            DeleteCommand.self,
            QuestionnaireCommand.self, PackCommand.self, TemplatesCommand.self,
        ],
        groupedSubcommands: [
            CommandGroup(name: "The running system (run by baton-runtime)", subcommands: RuntimeSubcommands.listed)
        ]
    )

    /// Hands the runtime's subcommands to `baton-runtime` and answers `--version` with the bundled
    /// pack's versions; parses everything else.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let name = RuntimeSubcommands.requested(in: arguments) {
            let failed = RuntimeSubcommands.exec(arguments, subcommand: name)
            failed.message.split(separator: "\n").forEach { printError(String($0)) }
            Self.exit(withError: ExitCode(failed.status))
        }
        if arguments == ["--version"] {
            return print(VersionText.lines().joined(separator: "\n"))
        }
        await main(nil)
    }
}
