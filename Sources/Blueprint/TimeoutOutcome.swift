/// What an approval timeout does when nobody answers (`timeout.then`): read once from the
/// blueprint into this type. It wraps any text, so a typo stays representable and the validator
/// reports it with its position; `approve` is refused there, as silence is not consent.
public struct TimeoutOutcome: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The outcome as written, e.g. `escalate`.
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    public var description: String { rawValue }

    /// Closes the approval: nothing leaves.
    public static let reject = TimeoutOutcome(rawValue: "reject")
    /// Reminds the approver once.
    public static let remind = TimeoutOutcome(rawValue: "remind")
    /// Reminds the approver, then, after as long again, tells the rule's `to`.
    public static let escalate = TimeoutOutcome(rawValue: "escalate")

    /// The outcomes a blueprint may name.
    public static let known: [TimeoutOutcome] = [.reject, .escalate, .remind]
}
