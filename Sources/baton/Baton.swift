import ArgumentParser

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
        version: "0.1.0",
        subcommands: [
            AssessCommand.self, ScoreCommand.self, ReportCommand.self, BlueprintCommand.self, DemoCommand.self,
            RunCommand.self, EventCommand.self, ApprovalsCommand.self, CasesCommand.self, AuditCommand.self,
            KPIsCommand.self, CRMCommand.self, BooksCommand.self, PruneCommand.self,
            DailyReportCommand.self, NoteCommand.self, ListCommand.self,
            ShowCommand.self, AnswersCommand.self,
            DeleteCommand.self,
            QuestionnaireCommand.self, PackCommand.self, TemplatesCommand.self,
        ]
    )
}
