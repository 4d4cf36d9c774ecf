import Foundation

/// An email as a MIME message (RFC 5322, 2045–2047): the subject as a UTF-8 encoded word when it
/// is not ASCII, a plain-text part and an HTML alternative made from it, the Message-ID from the
/// idempotency key (so a retried send is recognisable), CRLF line ends. Deterministic: the same
/// email gives the same bytes.
public struct MIMEMessage: Sendable {
    public let email: OutgoingEmail

    public init(_ email: OutgoingEmail) {
        self.email = email
    }

    /// `<KEY.ORIGIN@baton.local>` (`<KEY@baton.local>` without an origin).
    public var messageID: String { "<\(email.key)\(email.origin.isEmpty ? "" : ".\(email.origin)")@baton.local>" }

    /// The whole message. With `eightBit`, non-ASCII bodies go as UTF-8 (`8bit`, which SMTP needs
    /// the server's 8BITMIME for); otherwise, or when a line is too long for SMTP, as
    /// quoted-printable.
    public func text(eightBit: Bool = true) -> String {
        let boundary = "=_baton_\(email.key)"  // the body never holds "=_" lines: it is 7bit, 8bit or QP
        let html = Self.html(fromText: email.text)
        var lines = [
            "From: \(email.from)",
            "To: \(email.to)",
            "Subject: \(Self.encodedWord(email.subject))",
            "Date: \(Self.date(email.date))",
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
        ]
        for (type, content) in [("text/plain", email.text), ("text/html", html)] {
            let (encoding, body) = Self.body(content, eightBit: eightBit)
            lines += [
                "--\(boundary)", "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: \(encoding)", "",
                body,
            ]
        }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The transfer encoding and the encoded body, with CRLF line ends.
    static func body(_ content: String, eightBit: Bool) -> (String, String) {
        // Every line break (CRLF, a lone CR, a lone LF) becomes CRLF: a bare CR could otherwise end the
        // message early on the wire (SMTP smuggling).
        let lines = content.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .components(separatedBy: "\n")
        if content.utf8.allSatisfy({ $0 < 0x80 }) && lines.allSatisfy({ $0.utf8.count <= 998 }) {
            return ("7bit", lines.joined(separator: "\r\n"))
        }
        if eightBit && lines.allSatisfy({ $0.utf8.count <= 998 }) {
            return ("8bit", lines.joined(separator: "\r\n"))
        }
        return ("quoted-printable", lines.map(quotedPrintable).joined(separator: "\r\n"))
    }

    /// One line as quoted-printable, with soft line breaks to keep each under 76 characters.
    static func quotedPrintable(_ line: String) -> String {
        let bytes = Array(line.utf8)
        var out = ""
        var width = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let plain =
                (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast)
            let piece = plain ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
            if width + piece.count > 75 {
                out += "=\r\n"
                width = 0
            }
            out += piece
            width += piece.count
        }
        return out
    }

    /// The header text: as is when ASCII, else RFC 2047 encoded words of whole characters.
    static func encodedWord(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            if chunk.utf8.count + character.utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        words.append(chunk)
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// RFC 5322 date, in UTC: `Mon, 02 Mar 2026 16:00:00 +0000`.
    static func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// The HTML alternative: the text escaped, paragraphs as `<p>`, line breaks kept, links linked.
    static func html(fromText text: String) -> String {
        func escaped(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let paragraphs = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").map {
            paragraph in
            paragraph.components(separatedBy: "\n").map { line in
                line.split(separator: " ", omittingEmptySubsequences: false).map { word in
                    let w = String(word)
                    return w.hasPrefix("https://") || w.hasPrefix("http://")
                        ? "<a href=\"\(escaped(w))\">\(escaped(w))</a>" : escaped(w)
                }.joined(separator: " ")
            }.joined(separator: "<br>\n")
        }
        return "<!DOCTYPE html>\n<html><body>\n" + paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n")
            + "\n</body></html>"
    }
}
