/// The static type of an expression, as the linter infers it before any answer exists.
public enum ValueType: Sendable, Equatable {
    case any, null, bool, number, string, list

    /// A name for messages: "a number", "text".
    var name: String {
        switch self {
        case .any: return "anything"
        case .null: return "null"
        case .bool: return "true/false"
        case .number: return "a number"
        case .string: return "text"
        case .list: return "a list"
        }
    }

    var isList: Bool { self == .list }

    /// Whether a value of type `other` may stand where this type is expected.
    func accepts(_ other: ValueType) -> Bool {
        self == .any || other == .any || self == other || self == .null || other == .null
    }
}
