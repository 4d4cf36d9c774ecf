import Blueprint
import Foundation
import Mail
import Signing

/// What one message from the inbox becomes, decided without I/O: an automatic message is recorded
/// and never answered; a reply to an email Baton sent joins that email's case (an outside event on
/// it, which cancels the case's pending reminder); a new inquiry starts a case with the event the
/// blueprint's intake takes for its kind.
struct InboxRouting: Sendable {
    let blueprint: Blueprint
    /// This runtime's identity, part of every Message-ID it sends.
    let installID: String

    /// Characters of the text an event carries; the rest is left out (the notes say so).
    static let maxTextCharacters = 10_000
    /// The event types a message may become besides the intake's.
    static let replied = "email.replied"
    static let ignored = "email.ignored"
    static let unrouted = "email.received"

    /// The outbox keys of Baton's emails this message answers (its `In-Reply-To` and `References`).
    func sentKeys(_ message: IncomingMessage) -> [String] {
        message.referencedIDs.prefix(50).compactMap { MIMEMessage.outboxKey(messageID: $0, origin: installID) }
    }

    /// The idempotency key of a message: its Message-ID, or the SHA-256 of its bytes when it has none.
    static func key(_ message: IncomingMessage, raw: [UInt8]) -> String {
        if let id = message.messageID { return "inbox:\(id)" }
        return "inbox:sha256:\(IncomingMessage.digestHex(raw))"
    }

    /// The case a message that starts one gets: named by its key, so reading it again names the same.
    static func newCase(key: String) -> String { "mail-\(RequestSignature.digestHex(key).prefix(12))" }

    /// How a new inquiry is routed: the first of the event types the blueprint's intake takes for its
    /// kind (a lead as `lead.received`, else `inquiry.received`; a question or an unclear message as
    /// `inquiry.received`, else as a lead; a complaint or a refund request only to support triage),
    /// nil when none is taken.
    func eventType(for kind: InquiryKind) -> String? {
        let order: [String]
        switch kind {
        case .lead: order = ["lead.received", "inquiry.received"]
        case .question, .unclear: order = ["inquiry.received", "lead.received"]
        case .complaint, .refundRequest: order = ["inquiry.received"]
        }
        return order.first(where: blueprint.intake.contains)
    }

    /// The message's event and audit line.
    /// - Parameters:
    ///   - repliedCase: the case of the Baton email it answers, if it answers one.
    ///   - kind: a new inquiry's kind and what classified it (unused for a reply or an automatic message).
    func event(
        _ message: IncomingMessage, raw: [UInt8], repliedCase: String?, kind: (InquiryKind, String)?
    ) -> InboxEvent {
        let key = Self.key(message, raw: raw)
        let sender = message.replyTo ?? message.from
        let from = (message.from?.address ?? "").isEmpty ? "an unknown sender" : message.from!.address
        let subject = Self.shortened(message.subject, 120)
        var payload: [String: String] = ["channel": "email", "subject": message.subject]
        if let id = message.messageID { payload["message_id"] = id }
        if !message.attachments.isEmpty { payload["attachments"] = Self.attachments(message.attachments) }
        if !message.notes.isEmpty { payload["mail_notes"] = message.notes.joined(separator: "; ") }

        if let reason = message.automatedBecause {
            payload["from"] = message.from?.address ?? ""
            payload["reason"] = reason
            let caseID = repliedCase ?? Self.newCase(key: key)
            return InboxEvent(
                event: IntakeEvent(
                    type: Self.ignored, caseID: caseID, payloadJSON: StringMapJSON.encode(payload), producer: "inbox",
                    idempotencyKey: key),
                audit: .ignored, detail: "email from \(from) '\(subject)' not answered: \(reason)")
        }
        if let name = sender?.name, !name.isEmpty { payload["name"] = name }
        payload["email"] = sender?.address ?? ""
        payload["message"] = Self.plain(message.text)
        if message.textFromHTML { payload["message_from_html"] = "true" }
        if let repliedCase {
            return InboxEvent(
                event: IntakeEvent(
                    type: Self.replied, caseID: repliedCase, payloadJSON: StringMapJSON.encode(payload),
                    producer: "intake", idempotencyKey: key),
                audit: .mail,
                detail:
                    "email from \(from) '\(subject)' answers an email sent on this case: joined it\(Self.listed(message))"
            )
        }
        let (kind, classifiedBy) = kind ?? (.unclear, "rules")
        payload["category"] = kind.rawValue
        payload["classified_by"] = classifiedBy
        if !message.subject.isEmpty, !payload["message", default: ""].isEmpty {
            payload["message"] = Self.plain(message.subject + "\n\n" + message.text)
        } else if !message.subject.isEmpty {
            payload["message"] = Self.plain(message.subject)
        }
        let type = eventType(for: kind)
        let routed =
            type.map { "routed as \($0)" }
            ?? "no agent of the blueprint takes \(kind.words): it waits for a person (the intake lists \(blueprint.intake.joined(separator: ", ")))"
        return InboxEvent(
            event: IntakeEvent(
                type: type ?? Self.unrouted, caseID: Self.newCase(key: key), payloadJSON: StringMapJSON.encode(payload),
                producer: "intake", idempotencyKey: key),
            audit: .mail,
            detail:
                "email from \(from) '\(subject)': \(kind.words) (by \(classifiedBy)), \(routed)\(Self.listed(message))")
    }

    /// `; attachments: …` when there are any.
    private static func listed(_ message: IncomingMessage) -> String {
        message.attachments.isEmpty ? "" : "; attachments (not opened): \(attachments(message.attachments))"
    }

    /// `quote.pdf (application/pdf, 12 KB); …`, at most 20 listed.
    static func attachments(_ attachments: [IncomingMessage.Attachment]) -> String {
        var listed = attachments.prefix(20).map { attachment in
            let name = attachment.name.isEmpty ? "unnamed" : shortened(attachment.name, 80)
            return "\(name) (\(attachment.type), \(size(attachment.size)))"
        }
        if attachments.count > 20 { listed.append("and \(attachments.count - 20) more") }
        return listed.joined(separator: "; ")
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1 << 20 { return "\((bytes + 512) / 1024) KB" }
        return String(format: "%.1f MB", Double(bytes) / Double(1 << 20))
    }

    /// The text with every control character but line breaks and tabs as a space, at most
    /// ``maxTextCharacters`` characters.
    static func plain(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < maxTextCharacters else { break }
            let value = scalar.value
            let control = (value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(value)
            scalars.append(control ? " " : scalar)
            count += 1
        }
        return String(scalars)
    }

    static func shortened(_ text: String, _ limit: Int) -> String {
        let plain = plain(text).replacingOccurrences(of: "\n", with: " ")
        return plain.count > limit ? String(plain.prefix(limit)) + "…" : plain
    }
}
