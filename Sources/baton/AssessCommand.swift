import ArgumentParser
import AssessmentFlow
import Foundation
import Questionnaire
import Scoring
import TerminalUI
import Workspace

/// `baton assess`: the interactive questionnaire, a resumed one, or an answers file.
struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Answer the AI-readiness questionnaire (about ten minutes).",
        discussion: """
            In a terminal: arrow keys or j/k move, Space ticks, Enter confirms, 1-9 pick, \
            ← or Shift-Tab goes back, ? shows help, Ctrl-C saves and quits. A review at the end lets you \
            change any answer.

            Without a terminal (a pipe or a file on stdin) the same questions run one line each: \
            choices by number, `b` to go back, an empty line keeps the saved or default answer.

            Every answer is saved the moment it is given. Resume with `baton assess --resume`.

            Examples:
              baton assess
              baton assess --resume            # the latest unfinished assessment
              baton assess --resume 3
              baton assess --answers questionnaires/smb-ai-readiness/examples/plumbing-contractor.yaml
            """
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Option(
        help: ArgumentHelp(
            "The questionnaire pack: a name under questionnaires/ or a folder.", valueName: "name-or-path"))
    var pack: String = PackLocator.defaultPack

    @Option(help: ArgumentHelp("Take every answer from a YAML or JSON file instead of asking.", valueName: "file"))
    var answers: String?

    @Flag(help: "Continue an unfinished assessment (the latest, or the one given as ID).")
    var resume = false

    @Argument(help: ArgumentHelp("With --resume: the assessment to continue.", valueName: "id"))
    var id: Int64?

    func validate() throws {
        if id != nil && !resume {
            throw ValidationError(
                "an assessment id is only taken with --resume (did you mean `baton assess --resume \(id!)`?)")
        }
        if answers != nil && resume {
            throw ValidationError("--answers starts a new assessment; it cannot be combined with --resume")
        }
    }

    func run() throws {
        try reportingFailures {
            let workspace = try workspaceOptions.open()
            if let answers {
                try importAnswers(from: answers, into: workspace)
            } else if resume {
                let session = try id.map { try workspace.session($0) } ?? workspace.latestInProgress()
                guard let session, let sessionID = session.id else {
                    throw Failure("there is no unfinished assessment to resume; start one with `baton assess`")
                }
                if session.status == .completed {
                    throw Failure("assessment \(sessionID) is already completed; see it with `baton show \(sessionID)`")
                }
                let saved = try SavedAssessment.open(sessionID, in: workspace)
                try interview(saved.interview, sessionID: sessionID, workspace: workspace)
            } else {
                let (loaded, path, yaml) = try loadPack()
                let sessionID = try workspace.createSession(pack: loaded, path: path, yaml: yaml)
                try interview(Interview(pack: loaded), sessionID: sessionID, workspace: workspace)
            }
        }
    }

    private func loadPack() throws -> (Pack, String, String) {
        let path: String
        switch PackLocator.locate(pack) {
        case .success(let found): path = URL(fileURLWithPath: found).standardizedFileURL.path
        case .failure(let notFound): throw Failure(notFound.description)
        }
        let file = PackLoader.questionnaireFile(at: path)
        guard let yaml = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw Failure("cannot read \(file)")
        }
        do {
            let pack = try PackLoader.load(yaml: yaml, file: file)
            // A pack that is scored is checked whole before the first question, scoring files too.
            let folder = (file as NSString).deletingLastPathComponent
            if FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("scoring.yaml")) {
                _ = try ScoringModel.load(packFolder: folder)
            }
            return (pack, path, yaml)
        } catch {
            throw Failure("\(error)\nrun `baton questionnaire lint \(path)` after fixing it")
        }
    }

    private func resumeHint(_ id: Int64) -> String {
        let workspaceFlag = workspaceOptions.workspace.map { " --workspace \($0)" } ?? ""
        return "baton assess --resume \(id)\(workspaceFlag)"
    }

    private func interview(_ interview: Interview, sessionID: Int64, workspace: Workspace) throws {
        let environment = ProcessInfo.processInfo.environment
        let style = TextStyle.detect(outputIsTerminal: RawTerminal.isTerminal(1), environment: environment)
        let prompter: Prompter
        if RawTerminal.isTerminal(0) {
            prompter = TerminalPrompter(terminal: RawTerminal(), style: style)
        } else {
            prompter = LinePrompter(
                style: style, readLine: { Swift.readLine() },
                write: { text in
                    FileHandle.standardOutput.write(Data(text.utf8))
                })
        }
        InterruptTrap.install(
            message:
                "\nStopped. Your answers so far are saved in assessment \(sessionID). Resume with: \(resumeHint(sessionID))"
        )
        let runner = AssessmentRunner(
            interview: interview, workspace: workspace, sessionID: sessionID, prompter: prompter)
        let outcome: AssessmentRunner.Outcome
        do {
            outcome = try runner.run()
        } catch {
            prompter.finish()
            throw error
        }
        prompter.finish()
        let progress = runner.interview.progress
        switch outcome {
        case .completed:
            let business = (try? workspace.session(sessionID).title).flatMap { $0 }.map { " for \($0)" } ?? ""
            // Only the name needs neutralising here: the tick's colour is an escape sequence of our own.
            print(
                "\n\(style.success("✓")) Assessment \(sessionID)\(TerminalText.safe(business)) is complete: \(progress.answered) answers saved.\n"
            )
            printScore(sessionID, workspace: workspace)
        case .interrupted:
            printError(
                "\nStopped. Your \(progress.answered) answers are saved in assessment \(sessionID). Resume with: \(resumeHint(sessionID))"
            )
            throw ExitCode(130)
        case .endOfInput:
            let at =
                runner.interview.current.map { "at question '\($0.key)' (\(progress.position) of \(progress.total))" }
                ?? ""
            throw Failure(
                "input ended \(at); the \(progress.answered) answers given are saved in assessment \(sessionID). Resume with: \(resumeHint(sessionID))"
            )
        }
    }

    private func importAnswers(from file: String, into workspace: Workspace) throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw Failure("cannot read the answers file \(file)")
        }
        let raw: RawAnswers
        do {
            raw = try AnswersFile.read(text, file: file)
        } catch {
            throw Failure("\(error)")
        }
        let (loaded, path, yaml) = try loadPack()
        let result = AnswersImport(raw, pack: loaded)
        for key in result.ignored {
            printError("baton: warning: \(file): '\(key)' is not asked with these answers; ignored")
        }
        guard result.problems.isEmpty else {
            let count = result.problems.count
            let lines = result.problems.map { "  \(file): \($0)" }.joined(separator: "\n")
            throw Failure("\(count) problem\(count == 1 ? "" : "s") in the answers; nothing was saved:\n\(lines)")
        }
        let title: String? = {
            if case .text(let name) = result.answers[AnswerKey(question: "business_name")] { return name }
            return nil
        }()
        let sessionID = try workspace.createSession(pack: loaded, path: path, yaml: yaml)
        try workspace.saveCompleted(result.answers, in: sessionID, title: title)
        printText(
            "Saved assessment \(sessionID)\(title.map { " for \($0)" } ?? ""): \(result.answers.count) answers from \(file).\n"
        )
        printScore(sessionID, workspace: workspace)
    }

    /// Scores a just-completed assessment and prints the summary; a scoring problem is a warning,
    /// since the answers are safely saved either way.
    private func printScore(_ sessionID: Int64, workspace: Workspace) {
        do {
            let result = try AssessmentScoring.score(try SavedAssessment.open(sessionID, in: workspace), in: workspace)
            printText(ResultSummary.lines(result).joined(separator: "\n"))
            printText(
                "\nNext: baton show \(sessionID) · baton score \(sessionID) --json · baton answers export \(sessionID)")
        } catch {
            printError("baton: warning: the answers are saved, but scoring failed: \(error)")
        }
    }
}
