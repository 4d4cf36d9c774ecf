import Foundation
import Questionnaire
import Scoring
import TerminalUI
import Testing
import Workspace

@testable import AssessmentFlow

/// A prompter that answers from a script and records every screen it was shown.
final class ScriptedPrompter: Prompter {
    var script: [PromptResult]
    var screens: [PromptScreen] = []
    /// Called before each answer, e.g. to look at the workspace mid-run.
    var onAsk: (Int) -> Void = { _ in }

    init(_ script: [PromptResult]) {
        self.script = script
    }

    func ask(_ screen: PromptScreen) -> PromptResult {
        onAsk(screens.count)
        screens.append(screen)
        return script.isEmpty ? .endOfInput : script.removeFirst()
    }

    func say(_ text: String) {}
    func finish() {}
}

struct AssessmentRunnerTests {
    static let yaml = """
        id: flow
        title: Flow
        intro: Hello.
        timing: {text: 10, integer: 5, yes_no: 3, scale: 4, multiple_choice: 8, hours_per_week: 6}
        sections:
          - id: s
            title: Start
            questions:
              - {id: business_name, type: text, prompt: "Name?"}
              - {id: n, type: integer, prompt: "How many, {{ business_name }}?", min: 1, max: 9}
              - {id: ok, type: yes_no, prompt: "OK?", when: "n > 2"}
              - {id: mood, type: scale, prompt: "Mood?", labels: {1: Low, 5: High}}
              - {id: work, type: multiple_choice, prompt: "Work?", choices: [a, b]}
          - id: g
            title: Each
            repeat: {for_each: work}
            questions:
              - {id: hours, type: hours_per_week, prompt: "Hours on {{ item_label }}?"}
        """

    func setUp() throws -> (Workspace, Int64, Pack) {
        let workspace = try Workspace(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path)
        let pack = try PackLoader.load(yaml: Self.yaml, file: "flow.yaml")
        return (workspace, try workspace.createSession(pack: pack, path: "flow.yaml", yaml: Self.yaml), pack)
    }

    @Test func runsToTheReviewAndCompletesSavingEveryAnswer() throws {
        let (workspace, id, pack) = try setUp()
        let prompter = ScriptedPrompter([
            .value(.text("Ada")), .value(.text("12")), .value(.text("3")), .value(.option(0)), .value(.option(4)),
            .value(.options([0, 1])), .value(.text("4")), .value(.text("2.5")),
            .value(.option(0)),
        ])
        let runner = AssessmentRunner(
            interview: Interview(pack: pack), workspace: workspace, sessionID: id, prompter: prompter)
        #expect(try runner.run() == .completed)
        // "12" was out of range: the same question came back with the reason.
        #expect(prompter.screens[2].error == "enter at most 9")
        #expect(prompter.screens[2].title == "How many, Ada?")
        #expect(prompter.screens[0].preface == "Hello.")
        let answers = try workspace.answers(of: id)
        #expect(answers[AnswerKey(question: "ok")] == .bool(true))
        #expect(answers[AnswerKey(question: "mood")] == .number(5))
        #expect(answers[AnswerKey(question: "hours", group: "g", item: "b")] == .number(Decimal(string: "2.5")!))
        let session = try workspace.session(id)
        #expect(session.status == .completed)
        #expect(session.title == "Ada")
        #expect(session.answered == 7 && session.total == 7)
        #expect(prompter.screens.last?.heading == "Flow · Review")
    }

    @Test func eachAnswerIsInTheDatabaseBeforeTheNextQuestionIsAsked() throws {
        let (workspace, id, pack) = try setUp()
        let prompter = ScriptedPrompter([.value(.text("Ada")), .value(.text("2")), .interrupted])
        var savedBeforeEachAsk: [Int] = []
        prompter.onAsk = { _ in savedBeforeEachAsk.append((try? workspace.answers(of: id).count) ?? -1) }
        let runner = AssessmentRunner(
            interview: Interview(pack: pack), workspace: workspace, sessionID: id, prompter: prompter)
        #expect(try runner.run() == .interrupted)
        #expect(savedBeforeEachAsk == [0, 1, 2])
    }

    @Test func backAndTheReviewEditAnswers() throws {
        let (workspace, id, pack) = try setUp()
        let prompter = ScriptedPrompter([
            .value(.text("Ada")), .back, .value(.text("Bea")), .value(.text("1")), .value(.text("3")),
            .value(.options([1])),
            .value(.text("5")),
            // Review: option 2 is the second answer ("How many"); change it to 4, which brings in "OK?".
            .value(.option(2)), .value(.text("4")), .value(.option(1)),
            .value(.option(0)),
        ])
        let runner = AssessmentRunner(
            interview: Interview(pack: pack), workspace: workspace, sessionID: id, prompter: prompter)
        #expect(try runner.run() == .completed)
        let answers = try workspace.answers(of: id)
        #expect(answers[AnswerKey(question: "business_name")] == .text("Bea"))
        #expect(answers[AnswerKey(question: "n")] == .number(4))
        #expect(answers[AnswerKey(question: "ok")] == .bool(false))
        // After going back, the name question showed the saved answer to edit.
        guard case .text(let state) = prompter.screens[2].input else {
            Issue.record("expected a text input")
            return
        }
        #expect(state.text == "Ada")
    }

    @Test func endOfInputKeepsWhatWasSaved() throws {
        let (workspace, id, pack) = try setUp()
        let prompter = ScriptedPrompter([.value(.text("Ada"))])
        let runner = AssessmentRunner(
            interview: Interview(pack: pack), workspace: workspace, sessionID: id, prompter: prompter)
        #expect(try runner.run() == .endOfInput)
        #expect(try workspace.answers(of: id).count == 1)
        #expect(try workspace.session(id).status == .inProgress)
    }

    @Test func typedNumbersPickChoicesAndAnEmptyLineNeedsAnAnswerOrADefault() throws {
        let (workspace, id, pack) = try setUp()
        let prompter = ScriptedPrompter([
            .value(.text("Ada")), .value(.text("3")), .value(.text("2")),
            .value(.text("")), .value(.text("4")),
            .value(.text("1,2")), .value(.text("1h")), .value(.text("2")),
            .value(.text("")),
        ])
        let runner = AssessmentRunner(
            interview: Interview(pack: pack), workspace: workspace, sessionID: id, prompter: prompter)
        #expect(try runner.run() == .completed)
        // The scale has no default, so the empty line was refused and the question asked again.
        #expect(prompter.screens[4].error == "an answer is required")
        let answers = try workspace.answers(of: id)
        #expect(answers[AnswerKey(question: "ok")] == .bool(false))
        #expect(answers[AnswerKey(question: "mood")] == .number(4))
        #expect(answers[AnswerKey(question: "work")] == .choices(["a", "b"]))
        #expect(answers[AnswerKey(question: "hours", group: "g", item: "a")] == .number(1))
    }
}

struct AssessmentScoringTests {
    @Test func eachScoringRunIsStoredWithItsParameterVersionAndOverrides() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let packFolder = root.appendingPathComponent("questionnaires/smb-ai-readiness").path
        let workspace = try Workspace(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path)
        let pack = try PackLoader.load(path: packFolder)
        let file = packFolder + "/examples/dental-clinic.yaml"
        let imported = AnswersImport(
            try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
        let yaml = try String(contentsOfFile: packFolder + "/questionnaire.yaml", encoding: .utf8)
        let id = try workspace.createSession(pack: pack, path: packFolder, yaml: yaml)
        try workspace.saveCompleted(imported.answers, in: id, title: "Cedar Hill")
        let saved = try SavedAssessment.open(id, in: workspace)
        _ = try AssessmentScoring.score(saved, in: workspace)
        let low = try AssessmentScoring.score(
            saved, in: workspace, overrides: ScoringOverrides(parsing: ["scenario=low"]))
        #expect(try workspace.scoreCount(of: id) == 2)
        let stored = try #require(try workspace.latestScore(of: id))
        #expect(stored.parametersVersion == "scoring 1, catalog 1, pricing 1")
        #expect(stored.overridesJSON == #"{"scenario":"low"}"#)
        #expect(try AssessmentResult.decode(json: stored.resultJSON) == low)
        // The saved answers are untouched by scoring.
        #expect(try workspace.answers(of: id) == imported.answers)
    }
}
