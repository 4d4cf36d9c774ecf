import Foundation
import Hashing

/// An email as a MIME message (RFC 5322, 2045–2047): a plain-text part and an HTML alternative
/// made from it (and, when the email has attachments, each after them in a `multipart/mixed`), the Message-ID from the idempotency key (so a retried send is recognisable), CRLF
/// line ends. Deterministic: the same email gives the same bytes.
///
/// Whatever the text of the email holds (a lead's name with line breaks, a forged boundary, a
/// header of its own), it cannot add a header, a recipient or a part:
/// - the addresses are parsed strictly (``MailAddress``) and a doubtful one is refused;
/// - the subject and display names lose every control character and line separator (each becomes
///   a space) and go as RFC 2047 encoded words unless they are short plain ASCII;
/// - a part goes as is (`7bit`, or `8bit` for UTF-8 when allowed) only when it holds no control
///   character, no line separator and no line over 998 bytes; otherwise as quoted-printable;
/// - the boundary is drawn from a SHA-256 of the encoded parts and checked not to occur in them
///   (drawn again with a counter if it did), so no text can be written to contain it.
public struct MIMEMessage: Sendable {
    public let email: OutgoingEmail

    public init(_ email: OutgoingEmail) {
        self.email = email
    }

    /// `<KEY.ORIGIN@baton.local>` (`<KEY@baton.local>` without an origin), any character a
    /// Message-ID may not hold written `=XX`.
    public var messageID: String {
        var id: [UInt8] = [UInt8(ascii: "<")]
        Self.appendMessageIDPart(email.key, to: &id)
        if !email.origin.isEmpty {
            id.append(UInt8(ascii: "."))
            Self.appendMessageIDPart(email.origin, to: &id)
        }
        id.append(contentsOf: "@baton.local>".utf8)
        return String(decoding: id, as: UTF8.self)
    }

    /// The whole message. With `eightBit`, a part with non-ASCII text goes as UTF-8 (`8bit`, which
    /// SMTP needs the server's 8BITMIME for); otherwise, or when a part holds a control character,
    /// a line separator or a line too long for SMTP, as quoted-printable.
    ///
    /// - Throws: ``MIMEError`` when the From or To address is not one plain address.
    public func text(eightBit: Bool = true) throws(MIMEError) -> String {
        String(decoding: try bytes(eightBit: eightBit), as: UTF8.self)
    }

    /// The whole message as bytes (what ``text(eightBit:)`` returns, without making a `String`).
    public func bytes(eightBit: Bool = true) throws(MIMEError) -> [UInt8] {
        let from = try MailAddress(email.from, field: "From")
        let to = try MailAddress(email.to, field: "To")
        let text = Self.lineFeeds(email.text)
        let plain = Self.part(text, eightBit: eightBit)
        let html = Self.part(Self.html(fromLines: text), eightBit: eightBit)
        let boundary = Self.boundary(avoiding: [plain.body, html.body]) { counter in
            var hasher = SHA256()
            hasher.update(Array("baton-boundary \(counter)\n\(email.key)\n\(email.origin)\n".utf8))
            hasher.update(plain.body)
            hasher.update(html.body)
            return hasher.finalize()
        }

        var out: [UInt8] = []
        out.reserveCapacity(plain.body.count + html.body.count + 600)
        func line(_ parts: [UInt8]...) {
            for part in parts { out.append(contentsOf: part) }
            out.append(contentsOf: Self.crlf)
        }
        out.append(contentsOf: "From: ".utf8)
        Self.appendMailbox(from, to: &out)
        out.append(contentsOf: "\r\nTo: ".utf8)
        Self.appendMailbox(to, to: &out)
        out.append(contentsOf: "\r\nSubject: ".utf8)
        Self.appendUnstructured(email.subject, after: 9, to: &out)
        out.append(contentsOf: "\r\nDate: ".utf8)
        Self.appendDate(email.date, to: &out)
        line()
        line(Array("Message-ID: ".utf8), Array(messageID.utf8))
        line(Array("MIME-Version: 1.0".utf8))
        // With attachments, the text and its HTML are the first part of a multipart/mixed message.
        let files = email.attachments.map { Self.base64Lines($0.bytes) }
        let mixed =
            files.isEmpty
            ? []
            : Self.boundary(avoiding: [plain.body, html.body, boundary] + files) { counter in
                var hasher = SHA256()
                hasher.update(Array("baton-mixed \(counter)\n".utf8))
                hasher.update(boundary)
                for file in files { hasher.update(file) }
                return hasher.finalize()
            }
        if !files.isEmpty {
            line(Array("Content-Type: multipart/mixed; boundary=\"".utf8), mixed, [UInt8(ascii: "\"")])
            line()
            line(Self.dashes, mixed)
        }
        line(Array("Content-Type: multipart/alternative; boundary=\"".utf8), boundary, [UInt8(ascii: "\"")])
        line()
        for (type, part) in [("text/plain", plain), ("text/html", html)] {
            line(Self.dashes, boundary)
            line(Array("Content-Type: \(type); charset=utf-8".utf8))
            line(Array("Content-Transfer-Encoding: \(part.encoding)".utf8))
            line()
            line(part.body)
        }
        line(Self.dashes, boundary, Self.dashes)
        for (attachment, file) in zip(email.attachments, files) {
            line(Self.dashes, mixed)
            line(Array("Content-Type: \(attachment.mediaType); name=\"\(attachment.filename)\"".utf8))
            line(Array("Content-Disposition: attachment; filename=\"\(attachment.filename)\"".utf8))
            line(Array("Content-Transfer-Encoding: base64".utf8))
            line()
            out.append(contentsOf: file)
        }
        if !files.isEmpty { line(Self.dashes, mixed, Self.dashes) }
        return out
    }

    /// Base64 in lines of 76 characters, each ended by CRLF (RFC 2045 §6.8).
    static func base64Lines(_ bytes: [UInt8]) -> [UInt8] {
        let encoded = Array(Data(bytes).base64EncodedString().utf8)
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count + encoded.count / 38 + 2)
        var index = 0
        while index < encoded.count {
            out.append(contentsOf: encoded[index..<min(index + 76, encoded.count)])
            out.append(contentsOf: crlf)
            index += 76
        }
        return out
    }

    static let crlf: [UInt8] = [13, 10]
    static let dashes: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "-")]
}
