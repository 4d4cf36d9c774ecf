import Foundation

/// A duration written in a blueprint, such as `30 min`, `4h`, `1.5 hours` or `2 days`: read once
/// here, where the blueprint is decoded, and used as seconds by the runtime. Kept as written (a
/// blueprint writes back as it was read); `seconds` is nil when the text is not a duration, which
/// the validator reports.
public struct WaitDuration: Codable, Sendable, Equatable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// The duration in seconds; nil when `text` is not a duration.
    public let seconds: TimeInterval?

    public init(_ text: String) {
        self.text = text
        self.seconds = Self.parse(text)
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public var description: String { text }

    public static func == (a: WaitDuration, b: WaitDuration) -> Bool { a.text == b.text }

    /// A number, optional spaces (not tabs or line breaks), a unit: minutes (`m`, `min`, `mins`, `minute(s)`), hours (`h`,
    /// `hr(s)`, `hour(s)`) or days (`d`, `day(s)`).
    static func parse(_ text: String) -> TimeInterval? {
        guard
            let match = text.wholeMatch(
                of: #/([0-9]+(?:\.[0-9]+)?) *(m|min|mins|minutes?|h|hrs?|hours?|d|days?)/#),
            let amount = Double(match.1)
        else { return nil }
        switch match.2.first {
        case "m": return amount * 60
        case "h": return amount * 3600
        default: return amount * 86400
        }
    }
}
