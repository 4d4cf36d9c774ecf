/// The syntax tree of a parsed expression. Every node keeps the offset of its first character.
public indirect enum Expression: Sendable, Equatable {
    case literal(Value, offset: Int)
    /// An answer or computed value, possibly a path into a repeat group: `workflow_details[lead_intake].hours`.
    case path(AnswerPath, offset: Int)
    case list([Expression], offset: Int)
    case unary(UnaryOperator, Expression, offset: Int)
    case binary(BinaryOperator, Expression, Expression, offset: Int)
    case call(String, [Expression], offset: Int)

    /// Offset of the node's first character in the source text.
    public var offset: Int {
        switch self {
        case .literal(_, let o), .path(_, let o), .list(_, let o), .unary(_, _, let o),
            .binary(_, _, _, let o), .call(_, _, let o):
            return o
        }
    }

    /// Every path the expression reads, in source order.
    public var paths: [(path: AnswerPath, offset: Int)] {
        switch self {
        case .literal: return []
        case .path(let p, let o): return [(p, o)]
        case .list(let items, _), .call(_, let items, _): return items.flatMap(\.paths)
        case .unary(_, let e, _): return e.paths
        case .binary(_, let l, let r, _): return l.paths + r.paths
        }
    }
}

/// A reference to an answer: a name, optionally followed by `[item]` and `.field` steps.
public struct AnswerPath: Sendable, Equatable, CustomStringConvertible {
    /// The first name: a question, a computed value, a repeat group, or `item` / `item_label`.
    public var root: String
    /// The repeat item named in brackets, when there is one.
    public var item: String?
    /// The question inside a repeat group, when there is one.
    public var field: String?

    public init(root: String, item: String? = nil, field: String? = nil) {
        self.root = root
        self.item = item
        self.field = field
    }

    public var description: String {
        var text = root
        if let item { text += "[\(item)]" }
        if let field { text += ".\(field)" }
        return text
    }
}

/// `not` and unary minus.
public enum UnaryOperator: String, Sendable {
    case not, negate = "-"
}

/// Binary operators, from arithmetic to `and`/`or`.
public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case `in` = "in", notIn = "not in"
    case and, or
}
