import Foundation

/// A free-form setting value (a skill's rubric, a connector's folder…), written with sorted keys.
public indirect enum SettingValue: Codable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([SettingValue])
    case map([String: SettingValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        // Read scalars as text first and classify them by their spelling: YAML 1.1 would read
        // `08:00` as a number (480), which would not survive a round trip.
        if let s = try? c.decode(String.self) {
            if s == "true" || s == "false" {
                self = .bool(s == "true")
            } else if s.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil, let n = Double(s) {
                self = .number(n)
            } else {
                self = .string(s)
            }
        } else if let l = try? c.decode([SettingValue].self) {
            self = .list(l)
        } else {
            self = .map(try c.decode([String: SettingValue].self))
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .number(let n):
            var c = encoder.singleValueContainer()
            try c.encode(PlainNumber(n))
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .list(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .map(let pairs):
            var c = encoder.container(keyedBy: Key.self)
            for key in pairs.keys.sorted() { try c.encode(pairs[key]!, forKey: Key(stringValue: key)) }
        }
    }

    /// The text, when this is a string.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
