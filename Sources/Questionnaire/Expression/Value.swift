/// A value an expression evaluates to.
///
/// Numbers are `Double` inside expressions; money keeps its exact `Decimal` form in ``AnswerValue``.
public enum Value: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case list([Value])

    /// Whether a condition holding this value lets a question through. Only `true` does.
    public var isTrue: Bool {
        if case .bool(true) = self { return true }
        return false
    }

    /// The number, when this is one.
    public var number: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// A short rendering for prompts and messages: `4`, `4.5`, `lead_intake`, `a, b`.
    public var displayText: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "yes" : "no"
        case .number(let n): return Value.format(n)
        case .string(let s): return s
        case .list(let items): return items.map(\.displayText).joined(separator: ", ")
        }
    }

    /// Formats a number without a trailing `.0` and with at most two decimals.
    public static func format(_ n: Double) -> String {
        if n.isNaN || n.isInfinite { return "?" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        let rounded = (n * 100).rounded() / 100
        return String(rounded)
    }
}
