import Diagnostics
import Foundation

/// A questionnaire pack: the questions of an assessment, as data.
///
/// Load one with ``PackLoader``; every reference in it has been checked by then.
public struct Pack: Sendable {
    public let id: String
    public let version: Int
    public let title: String
    /// Shown before the first question.
    public let intro: String?
    /// Estimated seconds a person takes to answer each type of question.
    public let secondsPerType: [QuestionType: Double]
    /// The minutes the longest realistic path should stay under; `stats` compares against it.
    public let targetMinutes: Double?
    public let sections: [Section]
    public let computed: [ComputedValue]
    /// The file the pack was read from, as given to the loader.
    public let file: String

    /// The question with this id at the top level or in a repeat group, with its section.
    public func question(_ id: String) -> (section: Section, question: Question)? {
        for section in sections {
            if let q = section.questions.first(where: { $0.id == id }) { return (section, q) }
        }
        return nil
    }

    /// The repeat-group section with this id.
    public func repeatGroup(_ id: String) -> Section? {
        sections.first { $0.id == id && $0.repeatFor != nil }
    }

    /// The computed value with this id.
    public func computedValue(_ id: String) -> ComputedValue? {
        computed.first { $0.id == id }
    }
}

/// A titled group of questions; with `repeat`, asked once for each item chosen in an earlier question.
public struct Section: Sendable {
    public let id: String
    public let title: String
    public let intro: String?
    public let when: PackExpression?
    /// The multiple-choice question whose chosen items this section repeats for.
    public let repeatFor: String?
    public let questions: [Question]
    public let location: SourceLocation
}

/// One question of a pack.
public struct Question: Sendable {
    public let id: String
    public let type: QuestionType
    /// The prompt; `{{ expression }}` pipes earlier answers in.
    public let prompt: String
    public let help: String?
    public internal(set) var defaultValue: AnswerValue?
    public let when: PackExpression?
    public let required: Bool
    public let min: Decimal?
    public let max: Decimal?
    public let minSelected: Int?
    public let maxSelected: Int?
    public let pattern: String?
    public let patternMessage: String?
    public let validations: [ValidationRule]
    public let choices: [Choice]
    /// Offer the items chosen in this earlier multiple-choice question instead of a fixed list.
    public let choicesFrom: String?
    /// Labels of a scale's points, 1 to 5.
    public let scaleLabels: [Int: String]
    /// For a multiple choice: how many items a realistic business picks at most (used by `stats`).
    public let realisticMax: Int?
    /// A unit shown after numeric prompts: "hours a week", "CAD".
    public let unit: String?
    public let location: SourceLocation
}

/// One option of a choice question.
public struct Choice: Sendable, Equatable {
    /// The stable value stored in answers and used in expressions.
    public let value: String
    /// What the person sees.
    public let label: String
    public let help: String?
    /// Offer this choice only when the condition holds.
    public let when: PackExpression?

    public static func == (a: Choice, b: Choice) -> Bool { a.value == b.value && a.label == b.label }
}

/// A check on an answer beyond min/max/pattern, with the message a person sees when it fails.
public struct ValidationRule: Sendable {
    public let rule: PackExpression
    public let message: String
}

/// A value computed from answers, usable in conditions, prompts and later by scoring.
public struct ComputedValue: Sendable {
    public let id: String
    public let expression: PackExpression
    public let location: SourceLocation
}
