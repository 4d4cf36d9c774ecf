import Foundation
import Questionnaire
import TerminalUI
import Workspace

/// Runs an interview with a person: asks each step, saves every accepted answer before moving on,
/// and ends on the review screen.
///
/// Works the same through the raw terminal and through line mode; the ``Prompter`` decides.
public final class AssessmentRunner {
    /// How a run ended.
    public enum Outcome: Sendable, Equatable {
        /// The person confirmed the review; the assessment is marked completed.
        case completed
        /// The person pressed Ctrl-C; everything answered is saved.
        case interrupted
        /// Input ended (line mode) before the last answer; everything answered is saved.
        case endOfInput
    }

    public private(set) var interview: Interview
    private let workspace: Workspace
    private let sessionID: Int64
    private let prompter: Prompter

    public init(interview: Interview, workspace: Workspace, sessionID: Int64, prompter: Prompter) {
        self.interview = interview
        self.workspace = workspace
        self.sessionID = sessionID
        self.prompter = prompter
    }

    /// Asks until the person finishes, leaves, or input ends.
    public func run() throws -> Outcome {
        var error: String?
        while true {
            guard let step = interview.current else {
                switch askReview() {
                case .finish:
                    try workspace.complete(sessionID)
                    return .completed
                case .leave(let outcome):
                    return outcome
                case .edit:
                    continue
                }
            }
            let presentation = interview.presentation(of: step)
            let screen = ScreenBuilder.screen(
                presentation, heading: heading(presentation), progress: interview.progress,
                preface: preface(for: step), error: error)
            switch prompter.ask(screen) {
            case .back:
                interview.back()
                error = nil
            case .interrupted:
                return .interrupted
            case .endOfInput:
                return .endOfInput
            case .value(let value):
                do {
                    let answer = try interview.accept(ScreenBuilder.input(from: value, for: presentation))
                    try save(answer, for: step)
                    error = nil
                } catch let problem as AnswerProblem {
                    error = problem.message
                }
            }
        }
    }

    /// Saves durably first, then moves the interview on: a crash between the two loses nothing.
    private func save(_ answer: AnswerValue, for step: Step) throws {
        var next = interview
        next.record(answer)
        let progress = next.progress
        var title: String?
        if step.key.question == "business_name", case .text(let name) = answer { title = name }
        try workspace.saveAnswer(
            answer, for: step.key, in: sessionID, answered: progress.answered, total: progress.total, title: title)
        interview = next
    }

    private func heading(_ presentation: StepPresentation) -> String {
        "\(interview.pack.title) · \(presentation.sectionTitle)"
    }

    /// The pack's introduction before the very first question, and a section's introduction before its first.
    private func preface(for step: Step) -> String? {
        let section = interview.pack.sections[step.sectionIndex]
        var parts: [String] = []
        if interview.answers.isEmpty, let intro = interview.pack.intro {
            parts.append(intro.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let plan = interview.plan
        let index = plan.firstIndex { $0.key == step.key } ?? 0
        let opensSection = index == 0 || plan[index - 1].sectionIndex != step.sectionIndex
        if opensSection, let intro = section.intro {
            parts.append(intro)
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    private enum ReviewChoice {
        case finish, edit, leave(Outcome)
    }

    /// The review: every answer on the plan, one line each; pick one to change it, or finish.
    private func askReview() -> ReviewChoice {
        let steps = interview.plan
        var options = ["Finish: everything is right"]
        for step in steps {
            let p = interview.presentation(of: step)
            let value =
                interview.answers[step.key].map { AnswerFormatter.display($0, for: p.question, choices: p.choices) }
                ?? "—"
            let item = step.key.item.map { "[\($0)] " } ?? ""
            options.append("\(item)\(p.prompt) → \(value)")
        }
        let screen = PromptScreen(
            heading: "\(interview.pack.title) · Review",
            progress: nil,
            title: "All \(steps.count) questions are answered and saved. Choose an answer to change it, or finish.",
            help: nil,
            input: .select(SelectState(options: options))
        )
        switch prompter.ask(screen) {
        case .value(.option(0)), .endOfInput:
            return .finish
        case .value(.option(let i)):
            interview.jump(to: steps[i - 1].key)
            return .edit
        case .value(.text(let text)):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let n = Int(trimmed), n >= 2, n <= options.count else { return .finish }
            interview.jump(to: steps[n - 2].key)
            return .edit
        case .value(.options):
            return .edit
        case .back:
            interview.back()
            return .edit
        case .interrupted:
            return .leave(.interrupted)
        }
    }
}
