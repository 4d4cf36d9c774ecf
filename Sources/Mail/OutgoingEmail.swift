import Foundation

/// An email the dispatcher hands to the email connector: one queued action, keyed for idempotency.
public struct OutgoingEmail: Sendable, Equatable {
    /// The outbox item it carries out.
    public let id: Int64
    /// The action's idempotency key; the Message-ID is made from it, so a retry is recognisable.
    public let key: String
    public let from: String
    public let to: String
    public let subject: String
    /// The plain-text body; an HTML alternative is made from it.
    public let text: String
    public let date: Date
    /// The sending runtime's identity (``RuntimeStore/installID``), part of the Message-ID.
    public let origin: String
    /// Files sent after the text (an invitation), each base64 in a part of its own.
    public let attachments: [MailAttachment]

    public init(
        id: Int64, key: String, from: String, to: String, subject: String, text: String, date: Date, origin: String = "",
        attachments: [MailAttachment] = []
    ) {
        self.id = id
        self.attachments = attachments
        self.key = key
        self.origin = origin
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.date = date
    }
}
