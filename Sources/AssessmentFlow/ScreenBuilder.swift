import Foundation
import Questionnaire
import TerminalUI

/// Turns an interview step into a terminal screen, and the screen's answer back into interview input.
enum ScreenBuilder {
    /// The options a step shows when it is asked as a list (choices, yes/no, a scale); `nil` for typed answers.
    static func options(for presentation: StepPresentation) -> [String]? {
        let q = presentation.question
        switch q.type {
        case .singleChoice, .multipleChoice: return presentation.choices.map(\.label)
        case .yesNo: return ["Yes", "No"]
        case .scale: return (1...5).map { point in q.scaleLabels[point].map { "\(point) — \($0)" } ?? "\(point)" }
        default: return nil
        }
    }

    static func screen(
        _ presentation: StepPresentation, heading: String, progress: InterviewProgress, preface: String?, error: String?
    ) -> PromptScreen {
        let q = presentation.question
        let initial = presentation.initialValue
        let input: ScreenInput
        switch q.type {
        case .singleChoice:
            let index = initial.flatMap { value in presentation.choices.firstIndex { .text($0.value) == value } } ?? 0
            input = .select(SelectState(options: options(for: presentation)!, cursor: index))
        case .multipleChoice:
            var selected: Set<Int> = []
            if case .choices(let items) = initial {
                selected = Set(presentation.choices.indices.filter { items.contains(presentation.choices[$0].value) })
            }
            input = .multiSelect(MultiSelectState(options: options(for: presentation)!, selected: selected))
        case .yesNo:
            input = .select(SelectState(options: options(for: presentation)!, cursor: initial == .bool(false) ? 1 : 0))
        case .scale:
            let point = initial?.decimal.map { NSDecimalNumber(decimal: $0).intValue } ?? 3
            input = .select(SelectState(options: options(for: presentation)!, cursor: point - 1))
        default:
            input = .text(TextInputState(text: initial.map { editableText($0, q.type) } ?? ""))
        }
        let hasInitial = initial != nil && (q.type == .singleChoice || q.type == .yesNo || q.type == .scale)
        let optional = q.required ? "" : " (optional)"
        return PromptScreen(
            heading: heading,
            progress: ScreenProgress(
                position: progress.position, total: progress.total, answered: progress.answered,
                minutesLeft: progress.minutesLeft),
            preface: preface,
            title: presentation.prompt + (q.prompt.contains("optional") ? "" : optional),
            help: presentation.help,
            error: error,
            unit: q.unit.map { AnswerFormatter.unit($0) } ?? (q.type == .duration ? "e.g. 15 min, 4h, 2 days" : nil),
            input: input,
            cursorIsAnswer: hasInitial
        )
    }

    /// What a prompt's answer means for the interview.
    static func input(from value: PromptValue, for presentation: StepPresentation) -> AnswerInput {
        let q = presentation.question
        switch value {
        case .option(let i):
            switch q.type {
            case .yesNo: return .value(.bool(i == 0))
            case .scale: return .value(.number(Decimal(i + 1)))
            default: return .text(presentation.choices[i].value)
            }
        case .options(let indices):
            return .items(indices.map { presentation.choices[$0].value })
        case .text(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty, let initial = presentation.initialValue { return .value(initial) }
            if let n = Int(trimmed), let options = options(for: presentation), q.type != .multipleChoice,
                (1...options.count).contains(n)
            {
                return input(from: .option(n - 1), for: presentation)
            }
            return .text(text)
        }
    }

    /// An answer as the person would type it again.
    static func editableText(_ value: AnswerValue, _ type: QuestionType) -> String {
        switch value {
        case .number(let d): return type == .duration ? AnswerFormatter.duration(d) : "\(d)"
        case .text(let s): return s
        default: return ""
        }
    }
}
