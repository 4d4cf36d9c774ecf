/// The kinds of question a pack can ask, named as they are written in YAML.
public enum QuestionType: String, Sendable, CaseIterable, Codable {
    case singleChoice = "single_choice"
    case multipleChoice = "multiple_choice"
    case integer
    case decimal
    case money
    case hoursPerWeek = "hours_per_week"
    /// A length of time typed as `4h`, `30 min`, `2 days`; stored in minutes.
    case duration
    /// 1 to 5, with labels.
    case scale
    case yesNo = "yes_no"
    case text
    case longText = "long_text"

    /// Whether answers are numbers (and `min`/`max` apply).
    public var isNumeric: Bool {
        switch self {
        case .integer, .decimal, .money, .hoursPerWeek, .duration, .scale: return true
        default: return false
        }
    }

    /// Whether the question offers a list of choices.
    public var hasChoices: Bool { self == .singleChoice || self == .multipleChoice }

    /// The static type an answer of this kind has inside expressions.
    public var valueType: ValueType {
        switch self {
        case .singleChoice, .text, .longText: return .string
        case .multipleChoice: return .list
        case .yesNo: return .bool
        default: return .number
        }
    }
}
