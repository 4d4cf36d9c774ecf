/// An action an agent may propose, such as `email.send` or `refund.issue`: the word a skill, a
/// language model's proposal, a blueprint's approval rule and the outbox all use, read once into
/// this type. It wraps any text, so an unknown kind (a model's invention, a typo in a YAML file)
/// stays representable: the validator reports it with its position and the policy gate refuses it.
///
/// ```swift
/// let kind = ActionKind(rawValue: "refund.issue")
/// kind == .refundIssue  // true
/// kind.isHighStakes     // true: it always waits for a person
/// ```
public struct ActionKind: RawRepresentable, Codable, Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The kind as written, e.g. `email.send`.
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(_ rawValue: String) {
        self.init(rawValue: rawValue)
    }

    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    public var description: String { rawValue }

    public static func < (a: ActionKind, b: ActionKind) -> Bool { a.rawValue < b.rawValue }

    // The actions of ``SkillCatalog``, each needing the scope ``SkillCatalog/actions`` names.
    public static let emailSend = ActionKind("email.send")
    public static let crmUpdate = ActionKind("crm.update")
    public static let calendarBook = ActionKind("calendar.book")
    public static let discountOffer = ActionKind("discount.offer")
    public static let contractSend = ActionKind("contract.send")
    public static let complaintReply = ActionKind("complaint.reply")
    public static let refundIssue = ActionKind("refund.issue")
    public static let invoiceSend = ActionKind("invoice.send")
    public static let paymentCommit = ActionKind("payment.commit")
    public static let transactionRecord = ActionKind("transaction.record")
    public static let contentPublish = ActionKind("content.publish")

    /// The actions that always wait for a person, whatever the approval rules say: contracts,
    /// money, refunds and complaint replies. The one place this rule is written.
    public var isHighStakes: Bool {
        self == .contractSend || self == .paymentCommit || self == .refundIssue || self == .complaintReply
    }

    /// Whether it is an action of the catalog (see ``SkillCatalog/actions``).
    public var isKnown: Bool { SkillCatalog.actions[self] != nil }

    /// The scope an agent needs to take it; nil for an unknown action.
    public var scope: String? { SkillCatalog.actions[self] }

    /// Every action of the catalog, in order.
    public static var known: [ActionKind] { SkillCatalog.actions.keys.sorted() }

    /// The high-stakes actions of the catalog, in order.
    public static var highStakes: [ActionKind] { known.filter(\.isHighStakes) }
}
