import Foundation

/// One saved answer.
///
/// Single choices and text are `.text`; numbers, money, hours and durations (in minutes) are
/// `.number` with an exact `Decimal`; multiple choices are `.choices`; an optional question the person
/// passed over is `.skipped`, so that resuming does not ask it again.
public enum AnswerValue: Sendable, Hashable {
    case text(String)
    case number(Decimal)
    case bool(Bool)
    case choices([String])
    case skipped

    /// The value as expressions see it.
    public var expressionValue: Value {
        switch self {
        case .text(let s): return .string(s)
        case .number(let d): return .number(NSDecimalNumber(decimal: d).doubleValue)
        case .bool(let b): return .bool(b)
        case .choices(let items): return .list(items.map(Value.string))
        case .skipped: return .null
        }
    }

    /// The number, when this is one.
    public var decimal: Decimal? {
        if case .number(let d) = self { return d }
        return nil
    }
}

extension AnswerValue: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .skipped
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? container.decode(Decimal.self) {
            self = .number(d)
        } else if let s = try? container.decode(String.self) {
            self = .text(s)
        } else {
            self = .choices(try container.decode([String].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let s): try container.encode(s)
        case .number(let d): try container.encode(d)
        case .bool(let b): try container.encode(b)
        case .choices(let items): try container.encode(items)
        case .skipped: try container.encodeNil()
        }
    }
}
