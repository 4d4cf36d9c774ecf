import Foundation

/// How long a pack takes: the questions on its shortest and longest realistic paths, and minutes.
///
/// The paths are found by answering greedily, one question at a time, with the answer that brings
/// in the fewest (or most) later questions. A multiple choice picks at least `min_selected` (one if
/// required) on the short path and at most `realistic_max` on the long one.
public struct PathStats: Sendable {
    /// One simulated path.
    public struct Path: Sendable {
        public let steps: [Step]
        public let seconds: Double
        public var questions: Int { steps.count }
        public var minutes: Double { seconds / 60 }
    }

    public let shortest: Path
    public let longest: Path

    public init(pack: Pack) {
        let literals = Self.numericLiterals(in: pack)
        shortest = Self.simulate(pack, longest: false, literals: literals)
        longest = Self.simulate(pack, longest: true, literals: literals)
    }

    /// The path a given set of answers takes.
    public static func path(of answers: AnswerSet, in pack: Pack) -> Path {
        let steps = Interview(pack: pack, answers: answers).plan
        return Path(steps: steps, seconds: seconds(steps, pack))
    }

    static func seconds(_ steps: [Step], _ pack: Pack) -> Double {
        steps.reduce(0) {
            $0 + (pack.secondsPerType[pack.sections[$1.sectionIndex].questions[$1.questionIndex].type] ?? 10)
        }
    }

    private static func simulate(_ pack: Pack, longest: Bool, literals: [Double]) -> Path {
        var answers = AnswerSet()
        var interview = Interview(pack: pack)
        while let step = interview.plan.first(where: { answers[$0.key] == nil }) {
            let question = interview.question(of: step)
            let choices = interview.presentation(of: step).choices
            let best: AnswerValue
            if question.type == .multipleChoice {
                best = pickItems(question, choices, step, answers, pack, longest: longest)
            } else {
                // Ties go to the larger value on the long path and the smaller on the short one: a
                // bigger team or volume is what later conditions (like staff costs) tend to ask for.
                var chosen: (value: AnswerValue, length: Int)?
                for candidate in candidates(for: question, choices: choices, literals: literals) {
                    let length = planLength(answers, step.key, candidate, pack)
                    if let current = chosen, longest ? length < current.length : length >= current.length { continue }
                    chosen = (candidate, length)
                }
                best = chosen?.value ?? .skipped
            }
            answers[step.key] = best
            interview = Interview(pack: pack, answers: answers)
        }
        let steps = interview.plan
        return Path(steps: steps, seconds: seconds(steps, pack))
    }

    private static func planLength(_ answers: AnswerSet, _ key: AnswerKey, _ value: AnswerValue, _ pack: Pack) -> Int {
        var trial = answers
        trial[key] = value
        return Interview(pack: pack, answers: trial).plan.count
    }

    /// Builds a multiple-choice answer one item at a time, each time taking the item that moves the
    /// path length most in the wanted direction.
    private static func pickItems(
        _ question: Question, _ choices: [Choice], _ step: Step, _ answers: AnswerSet, _ pack: Pack, longest: Bool
    ) -> AnswerValue {
        let minimum = question.minSelected ?? (question.required ? 1 : 0)
        let target =
            longest ? min(question.realisticMax ?? question.maxSelected ?? choices.count, choices.count) : minimum
        var picked: [String] = []
        while picked.count < target {
            let remaining = choices.map(\.value).filter { !picked.contains($0) }
            guard
                let next = remaining.max(by: { a, b in
                    let la = planLength(answers, step.key, .choices(picked + [a]), pack)
                    let lb = planLength(answers, step.key, .choices(picked + [b]), pack)
                    return longest ? la < lb : la > lb
                })
            else { break }
            picked.append(next)
        }
        return .choices(choices.map(\.value).filter(picked.contains))
    }

    private static func candidates(for question: Question, choices: [Choice], literals: [Double]) -> [AnswerValue] {
        switch question.type {
        case .singleChoice: return choices.map { .text($0.value) }
        case .multipleChoice: return []
        case .yesNo: return [.bool(false), .bool(true)]
        case .text, .longText: return question.required ? [.text("example")] : [.skipped, .text("example")]
        case .scale: return (1...5).map { .number(Decimal($0)) }
        default:
            let low = question.min ?? 0
            let high = question.max ?? 1_000_000
            var values: Set<Decimal> = [low, high]
            if let d = question.defaultValue?.decimal { values.insert(d) }
            for n in literals {
                for shifted in [n - 1, n, n + 1] {
                    let d = Decimal(shifted)
                    if d >= low && d <= high { values.insert(d) }
                }
            }
            return values.sorted().map { .number($0) }
        }
    }

    /// Every number written in the pack's expressions: the thresholds conditions compare against.
    private static func numericLiterals(in pack: Pack) -> [Double] {
        var expressions = pack.computed.map(\.expression)
        for section in pack.sections {
            expressions += [section.when].compactMap { $0 }
            for q in section.questions {
                expressions += [q.when].compactMap { $0 } + q.choices.compactMap(\.when)
            }
        }
        var found: Set<Double> = []
        func walk(_ e: Expression) {
            switch e {
            case .literal(.number(let n), _): found.insert(n)
            case .list(let items, _), .call(_, let items, _): items.forEach(walk)
            case .unary(_, let x, _): walk(x)
            case .binary(_, let l, let r, _):
                walk(l)
                walk(r)
            default: break
            }
        }
        expressions.forEach { walk($0.expression) }
        return found.sorted()
    }
}
