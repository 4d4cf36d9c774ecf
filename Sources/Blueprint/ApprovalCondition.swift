/// When an approval rule holds its action for a person: the `when:` of a rule, read once here.
/// A condition Baton does not know stays representable (``unknown(_:)``, written back as it was
/// read): the validator reports it with its position, and the policy gate, should it ever run
/// one, fails safe and asks a person.
public enum ApprovalCondition: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// Every time.
    case always
    /// The case's first email to the lead (an `email.send` with none queued or sent before it).
    case firstContact
    /// Moving or cancelling what was booked (an action whose payload says `change`).
    case changeOrCancel
    /// Anything else, as written.
    case unknown(String)

    /// The conditions a rule may name, in the order the validator lists them.
    public static let known: [ApprovalCondition] = [.always, .changeOrCancel, .firstContact]

    public init(rawValue: String) {
        self = Self.known.first { $0.rawValue == rawValue } ?? .unknown(rawValue)
    }

    public init(_ text: String) {
        self.init(rawValue: text)
    }

    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    /// The condition as a blueprint writes it: `always`, `first_contact`, `change_or_cancel`.
    public var rawValue: String {
        switch self {
        case .always: "always"
        case .firstContact: "first_contact"
        case .changeOrCancel: "change_or_cancel"
        case .unknown(let text): text
        }
    }

    public var description: String { rawValue }

    public var isKnown: Bool {
        if case .unknown = self { false } else { true }
    }
}
