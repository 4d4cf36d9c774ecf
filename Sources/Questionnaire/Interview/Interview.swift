import Foundation

/// The interview as a pure state machine: which questions will be asked given the answers so far,
/// where the person is, and what moving forward, back, or to any answer means.
///
/// It performs no I/O: the caller shows ``presentation(of:)``, passes what the person typed to
/// ``accept(_:)``, saves the returned value, then calls ``record(_:)``.
public struct Interview: Sendable {
    public let pack: Pack
    public private(set) var answers: AnswerSet
    /// The step being asked; `nil` when every question is answered and the review is showing.
    public private(set) var current: Step?
    /// After a jump from the review, answering returns to the review instead of walking on.
    public private(set) var isReviewing = false

    /// Starts (or resumes) at the first question that will be asked and has no answer yet.
    public init(pack: Pack, answers: AnswerSet = AnswerSet()) {
        self.pack = pack
        self.answers = answers
        self.current = plan.first { answers[$0.key] == nil }
        self.isReviewing = current == nil
    }

    // MARK: What will be asked

    /// The questions that will actually be asked, in order, given the answers so far.
    ///
    /// A question shows when its section's and its own `when` hold (reading only answers of
    /// questions shown before it) and, for a choice question, when it has something to offer.
    public var plan: [Step] {
        computePlan().steps
    }

    /// The answers of the questions on the plan: what an export or a score reads.
    public var effectiveAnswers: AnswerSet {
        computePlan().effective
    }

    /// The value of a computed value (or any answer) over the answers on the plan; `null` if unknown.
    public func computed(_ id: String) -> Value {
        AnswerScope(pack: pack, answers: effectiveAnswers).evaluator.evaluate(.path(AnswerPath(root: id), offset: 0))
    }

    /// Whether every question on the plan has an answer.
    public var isComplete: Bool {
        plan.allSatisfy { answers[$0.key] != nil }
    }

    private func computePlan() -> (steps: [Step], effective: AnswerSet) {
        var effective = AnswerSet()
        var steps: [Step] = []
        for (sectionIndex, section) in pack.sections.enumerated() {
            if let when = section.when,
                !AnswerScope(pack: pack, answers: effective).evaluator.evaluate(when.expression).isTrue
            {
                continue
            }
            let items: [String?] =
                section.repeatFor == nil ? [nil] : AnswerScope(pack: pack, answers: effective).items(of: section)
            for item in items {
                for (questionIndex, question) in section.questions.enumerated() {
                    let key = AnswerKey(question: question.id, group: item == nil ? nil : section.id, item: item)
                    let scope = AnswerScope(
                        pack: pack, answers: effective, group: item == nil ? nil : section, item: item)
                    if let when = question.when, !scope.evaluator.evaluate(when.expression).isTrue { continue }
                    if question.type.hasChoices && choices(for: question, scope: scope).isEmpty { continue }
                    steps.append(Step(key: key, sectionIndex: sectionIndex, questionIndex: questionIndex))
                    if let answer = answers[key] { effective[key] = answer }
                }
            }
        }
        return (steps, effective)
    }

    private func choices(for question: Question, scope: AnswerScope) -> [Choice] {
        var offered = question.choices
        if let source = question.choicesFrom, let sourceQuestion = pack.question(source)?.question {
            let picked = scope.answers[AnswerKey(question: source)]
            if case .choices(let values) = picked {
                offered = sourceQuestion.choices.filter { values.contains($0.value) }
            } else {
                offered = []
            }
        }
        return offered.filter { $0.when.map { scope.evaluator.evaluate($0.expression).isTrue } ?? true }
    }

    private func scope(for step: Step, answers: AnswerSet) -> AnswerScope {
        let section = pack.sections[step.sectionIndex]
        return AnswerScope(
            pack: pack, answers: answers, group: step.key.item == nil ? nil : section, item: step.key.item)
    }

    /// The question a step asks.
    public func question(of step: Step) -> Question {
        pack.sections[step.sectionIndex].questions[step.questionIndex]
    }

    // MARK: Presenting a step

    /// Everything a prompt needs to show a step: piped text, filtered choices, the value to start from.
    public func presentation(of step: Step) -> StepPresentation {
        let question = question(of: step)
        let scope = scope(for: step, answers: effectiveAnswers)
        let section = pack.sections[step.sectionIndex]
        var sectionTitle = PromptText.render(section.title, with: scope.evaluator)
        if step.key.item != nil, !section.title.contains("{{") {
            sectionTitle +=
                " · " + (scope.evaluator.evaluate(.path(AnswerPath(root: "item_label"), offset: 0)).displayText)
        }
        return StepPresentation(
            step: step,
            question: question,
            sectionTitle: sectionTitle,
            prompt: PromptText.render(question.prompt, with: scope.evaluator),
            help: question.help.map { PromptText.render($0, with: scope.evaluator) },
            choices: choices(for: question, scope: scope),
            currentValue: answers[step.key],
            defaultValue: question.defaultValue
        )
    }

    /// Position and time left, counted over the questions that will actually be asked.
    public var progress: InterviewProgress {
        let steps = plan
        let index = current.flatMap { c in steps.firstIndex { $0.key == c.key } } ?? steps.count
        let answered = steps.filter { answers[$0.key] != nil }.count
        let remaining = steps.enumerated().filter { $0.offset >= index && answers[$0.element.key] == nil }
        let seconds = remaining.reduce(0.0) { $0 + (pack.secondsPerType[question(of: $1.element).type] ?? 10) }
        let expected = expectedRepeats(steps)
        return InterviewProgress(
            position: index + 1, total: steps.count + expected.questions, answered: answered,
            secondsLeft: seconds + expected.seconds)
    }

    /// Questions and time for repeat groups whose items are not chosen yet, assuming half the
    /// realistic maximum (rounded up): without it the count and the estimate would leave out the
    /// longest part of the interview, and the bar would jump back once the items are chosen.
    private func expectedRepeats(_ steps: [Step]) -> (questions: Int, seconds: Double) {
        var seconds = 0.0
        var questions = 0
        for section in pack.sections {
            guard let source = section.repeatFor, answers[AnswerKey(question: source)] == nil,
                steps.contains(where: { $0.key == AnswerKey(question: source) }),
                let sourceQuestion = pack.question(source)?.question
            else { continue }
            let items = ((sourceQuestion.realisticMax ?? sourceQuestion.choices.count) + 1) / 2
            let perItem = section.questions.reduce(0.0) { $0 + (pack.secondsPerType[$1.type] ?? 10) }
            seconds += Double(items) * perItem
            questions += items * section.questions.count
        }
        return (questions, seconds)
    }

    // MARK: Answering and moving

    /// Parses and validates what the person gave for the current step.
    /// - Returns: the value to save; ``AnswerValue/skipped`` for an optional question left empty.
    /// - Throws: ``AnswerProblem`` with the message to show before asking again.
    public func accept(_ input: AnswerInput) throws(AnswerProblem) -> AnswerValue {
        guard let step = current else { throw AnswerProblem("there is no question to answer") }
        return try validate(input, for: step, in: effectiveAnswers)
    }

    /// Parses and validates an answer for any step, against the given answers.
    public func validate(_ input: AnswerInput, for step: Step, in answers: AnswerSet) throws(AnswerProblem)
        -> AnswerValue
    {
        let question = question(of: step)
        let scope = scope(for: step, answers: answers)
        let choices = choices(for: question, scope: scope)
        let parsed: AnswerValue?
        switch input {
        case .text(let text): parsed = try AnswerParser.parse(text, for: question, choices: choices)
        case .items(let items): parsed = try AnswerParser.parse(items: items, for: question, choices: choices)
        case .value(.text(let text)) where question.type == .text || question.type == .longText:
            // A default or an answer saved by an older version is held to the same rule as typed text.
            parsed = try AnswerParser.parse(text, for: question, choices: choices)
        case .value(let value): parsed = value
        }
        guard let value = parsed, value != .choices([]) || !question.required else {
            if question.required {
                throw AnswerProblem(question.type == .multipleChoice ? "choose at least one" : "an answer is required")
            }
            return .skipped
        }
        try AnswerValidator(question: question, choices: choices).check(value)
        var withAnswer = answers
        withAnswer[step.key] = value
        let ruleScope = self.scope(for: step, answers: withAnswer)
        for rule in question.validations where !ruleScope.evaluator.evaluate(rule.rule.expression).isTrue {
            throw AnswerProblem(PromptText.render(rule.message, with: ruleScope.evaluator))
        }
        return value
    }

    /// Stores a saved answer for the current step and moves on: to the next question, or back to
    /// the review after a jump from it (via any question the change has newly brought in).
    public mutating func record(_ value: AnswerValue) {
        guard let step = current else { return }
        answers[step.key] = value
        let steps = plan
        if isReviewing {
            current = steps.first { answers[$0.key] == nil }
        } else if let index = steps.firstIndex(where: { $0.key == step.key }), index + 1 < steps.count {
            current = steps[index + 1]
        } else {
            current = steps.first { answers[$0.key] == nil }
        }
        if current == nil { isReviewing = true }
    }

    /// Goes to the question asked before this one, skipping those that are not asked.
    public mutating func back() {
        let steps = plan
        guard let step = current else {
            current = steps.last
            return
        }
        if let index = steps.firstIndex(where: { $0.key == step.key }), index > 0 {
            current = steps[index - 1]
        }
    }

    /// Opens any question on the plan, e.g. from the review screen.
    public mutating func jump(to key: AnswerKey) {
        guard let step = plan.first(where: { $0.key == key }) else { return }
        current = step
        isReviewing = true
    }

    /// Leaves the current question for the review screen (only when nothing is left unanswered).
    public mutating func showReview() {
        if isComplete {
            current = nil
            isReviewing = true
        }
    }
}

/// What the person gave: typed text, the items picked in a list, or a value already typed.
public enum AnswerInput: Sendable, Equatable {
    case text(String)
    case items([String])
    case value(AnswerValue?)
}

/// A step ready to show.
public struct StepPresentation: Sendable {
    public let step: Step
    public let question: Question
    public let sectionTitle: String
    public let prompt: String
    public let help: String?
    public let choices: [Choice]
    /// The saved answer, when the step was answered before.
    public let currentValue: AnswerValue?
    public let defaultValue: AnswerValue?

    /// What the prompt starts from: the saved answer, else the pack's default.
    public var initialValue: AnswerValue? {
        currentValue == .skipped ? nil : (currentValue ?? defaultValue)
    }
}

/// Where the person is: question `position` of `total`, with an estimate of the time left.
public struct InterviewProgress: Sendable, Equatable {
    public let position: Int
    public let total: Int
    public let answered: Int
    public let secondsLeft: Double

    /// Whole minutes left, rounded up; `0` only when nothing is left.
    public var minutesLeft: Int { Int((secondsLeft / 60).rounded(.up)) }

    /// Share of the questions answered, 0 to 1.
    public var fraction: Double { total == 0 ? 1 : Double(answered) / Double(total) }
}
