/// Evaluates an ``Expression`` against answers.
///
/// Evaluation never fails: a missing answer is `null`, arithmetic on `null` gives `null`, a comparison
/// with `null` is `false`, and division by zero gives `null`. The linter catches the mistakes that
/// would make these cases surprising.
public struct ExpressionEvaluator {
    /// Looks up the value of a path; `null` when there is no answer.
    public let resolve: (AnswerPath) -> Value

    public init(resolve: @escaping (AnswerPath) -> Value) {
        self.resolve = resolve
    }

    public func evaluate(_ expression: Expression) -> Value {
        switch expression {
        case .literal(let value, _):
            return value
        case .path(let path, _):
            return resolve(path)
        case .list(let items, _):
            return .list(items.map(evaluate))
        case .unary(.not, let operand, _):
            return .bool(!evaluate(operand).isTrue)
        case .unary(.negate, let operand, _):
            guard let n = evaluate(operand).number else { return .null }
            return .number(-n)
        case .binary(.and, let l, let r, _):
            return .bool(evaluate(l).isTrue && evaluate(r).isTrue)
        case .binary(.or, let l, let r, _):
            return .bool(evaluate(l).isTrue || evaluate(r).isTrue)
        case .binary(let op, let l, let r, _):
            return Self.apply(op, evaluate(l), evaluate(r))
        case .call(let name, let arguments, _):
            guard let function = BuiltinFunction(rawValue: name), function.arity.contains(arguments.count) else {
                return .null
            }
            return function.evaluate(arguments.map(evaluate))
        }
    }

    private static func apply(_ op: BinaryOperator, _ l: Value, _ r: Value) -> Value {
        switch op {
        case .equal: return .bool(l == r)
        case .notEqual: return .bool(l != r)
        case .in: return .bool(contains(r, l))
        case .notIn: return .bool(!contains(r, l))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            return .bool(compare(op, l, r))
        case .add, .subtract, .multiply, .divide, .remainder:
            if op == .add, case .string(let a) = l, case .string(let b) = r { return .string(a + b) }
            guard let a = l.number, let b = r.number else { return .null }
            switch op {
            case .add: return .number(a + b)
            case .subtract: return .number(a - b)
            case .multiply: return .number(a * b)
            case .divide: return b == 0 ? .null : .number(a / b)
            default: return b == 0 ? .null : .number(a.truncatingRemainder(dividingBy: b))
            }
        case .and, .or:
            return .bool(op == .and ? (l.isTrue && r.isTrue) : (l.isTrue || r.isTrue))
        }
    }

    private static func contains(_ container: Value, _ element: Value) -> Bool {
        switch (container, element) {
        case (.list(let items), _): return items.contains(element)
        case (.string(let text), .string(let part)): return text.contains(part)
        default: return false
        }
    }

    private static func compare(_ op: BinaryOperator, _ l: Value, _ r: Value) -> Bool {
        let ordering: Int
        switch (l, r) {
        case (.number(let a), .number(let b)): ordering = a < b ? -1 : (a > b ? 1 : 0)
        case (.string(let a), .string(let b)): ordering = a < b ? -1 : (a > b ? 1 : 0)
        default: return false
        }
        switch op {
        case .less: return ordering < 0
        case .lessOrEqual: return ordering <= 0
        case .greater: return ordering > 0
        default: return ordering >= 0
        }
    }
}
