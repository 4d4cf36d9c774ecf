import Foundation

/// The checks a question's own settings make on a parsed answer: range, selection count, pattern.
struct AnswerValidator {
    let question: Question
    let choices: [Choice]

    func check(_ value: AnswerValue) throws(AnswerProblem) {
        switch value {
        case .number(let n):
            let unit =
                question.type == .duration
                ? { (d: Decimal) in AnswerFormatter.duration(d) } : { (d: Decimal) in "\(d)" }
            if question.type == .scale, n < 1 || n > 5 { throw AnswerProblem("choose a point from 1 to 5") }
            if let min = question.min, n < min { throw AnswerProblem("enter at least \(unit(min))") }
            if let max = question.max, n > max { throw AnswerProblem("enter at most \(unit(max))") }
            if question.min == nil, n < 0, question.type != .decimal {
                throw AnswerProblem("enter a number that is not negative")
            }
        case .choices(let items):
            if let min = question.minSelected, items.count < min { throw AnswerProblem("choose at least \(min)") }
            if let max = question.maxSelected, items.count > max { throw AnswerProblem("choose at most \(max)") }
            for item in items where !choices.contains(where: { $0.value == item }) {
                throw AnswerProblem("'\(item)' is not one of the choices")
            }
        case .text(let text):
            if question.type == .singleChoice, !choices.contains(where: { $0.value == text }) {
                throw AnswerProblem("'\(text)' is not one of the choices")
            }
            if let pattern = question.pattern, text.range(of: "^(?:\(pattern))$", options: .regularExpression) == nil {
                throw AnswerProblem(question.patternMessage ?? "the answer does not have the expected form")
            }
            if question.type == .text, text.count > 200 { throw AnswerProblem("keep it under 200 characters") }
        case .bool, .skipped:
            break
        }
    }
}
