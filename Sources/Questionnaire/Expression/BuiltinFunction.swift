/// The functions an expression may call. Anything else is reported by the linter as an unknown function.
public enum BuiltinFunction: String, CaseIterable, Sendable {
    /// `count(list)`: how many non-empty items; `0` for nothing.
    case count
    /// `sum(list)` or `sum(a, b, …)`: the total of the numbers; empty answers are skipped.
    case sum
    /// `min(list)` or `min(a, b, …)`: the smallest number.
    case min
    /// `max(list)` or `max(a, b, …)`: the largest number.
    case max
    /// `round(x)` or `round(x, digits)`.
    case round
    /// `coalesce(a, b, …)`: the first argument that has a value.
    case coalesce
    /// `selected(question, 'value')`: whether a multiple-choice answer includes a value.
    case selected
    /// `answered(question)`: whether the question has an answer.
    case answered

    /// How many arguments the function takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .count, .answered: return 1...1
        case .sum, .min, .max, .coalesce: return 1...32
        case .round: return 1...2
        case .selected: return 2...2
        }
    }

    /// The type of the result, given the argument types.
    func resultType(_ arguments: [ValueType]) -> ValueType {
        switch self {
        case .count, .sum, .min, .max, .round: return .number
        case .selected, .answered: return .bool
        case .coalesce: return arguments.first { $0 != .null } ?? .any
        }
    }

    /// The problem with an argument of this type at this position, if any.
    func argumentProblem(_ type: ValueType, at position: Int) -> String? {
        switch (self, position) {
        case (.round, _), (.sum, 1...), (.min, 1...), (.max, 1...):
            return type.accepts(.number) ? nil : "\(rawValue)() needs a number here, not \(type.name)"
        case (.sum, 0), (.min, 0), (.max, 0):
            return type.accepts(.number) || type.isList || type == .any
                ? nil : "\(rawValue)() needs numbers, not \(type.name)"
        case (.selected, 0):
            return type.isList || type == .any
                ? nil : "selected() needs a multiple-choice answer first, not \(type.name)"
        default:
            return nil
        }
    }

    func evaluate(_ arguments: [Value]) -> Value {
        switch self {
        case .count:
            switch arguments[0] {
            case .null: return .number(0)
            case .list(let items): return .number(Double(items.filter { $0 != .null }.count))
            default: return .number(1)
            }
        case .sum:
            return .number(Self.numbers(arguments).reduce(0, +))
        case .min:
            return Self.numbers(arguments).min().map(Value.number) ?? .null
        case .max:
            return Self.numbers(arguments).max().map(Value.number) ?? .null
        case .round:
            guard let x = arguments[0].number else { return .null }
            let digits = arguments.count > 1 ? Swift.max(0, Swift.min(6, Int(arguments[1].number ?? 0))) : 0
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            return .number((x * scale).rounded(.toNearestOrAwayFromZero) / scale)
        case .coalesce:
            return arguments.first { $0 != .null } ?? .null
        case .selected:
            guard case .list(let items) = arguments[0] else { return .bool(false) }
            return .bool(items.contains(arguments[1]))
        case .answered:
            return .bool(arguments[0] != .null && arguments[0] != .list([]))
        }
    }

    /// The numbers among the arguments, looking inside a single list argument.
    private static func numbers(_ arguments: [Value]) -> [Double] {
        let values: [Value]
        if arguments.count == 1, case .list(let items) = arguments[0] {
            values = items
        } else {
            values = arguments
        }
        return values.compactMap(\.number)
    }
}
