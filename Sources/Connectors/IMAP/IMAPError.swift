/// What went wrong reading a mailbox over IMAP, in words an owner can act on. Never holds the
/// password: a refused sign-in names the user and the server's answer, not what was sent.
public struct IMAPError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// The server answered NO or BAD to a command.
        case refused
        /// The server refused the user name and password.
        case authentication
        /// No connection, or it dropped.
        case connection
        /// The server did not answer in time.
        case timeout
        /// The server said something that is not IMAP, or more than the client's bounds allow.
        case protocolViolation
        /// The settings ask for something the server cannot do (TLS it does not offer, a mechanism).
        case unsupported
    }

    let kind: Kind
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    static func refused(_ command: String, _ condition: String, _ text: String) -> IMAPError {
        IMAPError(.refused, "IMAP \(command) refused: \(condition) \(shown(text))")
    }

    static func connection(_ detail: String) -> IMAPError { IMAPError(.connection, "IMAP connection: \(detail)") }
    static func timeout(_ detail: String) -> IMAPError { IMAPError(.timeout, "IMAP timed out \(detail)") }
    static func protocolViolation(_ detail: String) -> IMAPError {
        IMAPError(.protocolViolation, "IMAP protocol: \(detail)")
    }
    static func unsupported(_ detail: String) -> IMAPError { IMAPError(.unsupported, detail) }

    /// A server's text as it may appear in a message: printable, at most 200 characters.
    static func shown(_ text: String) -> String {
        let printable = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
        return printable.count > 200 ? String(printable.prefix(200)) + "…" : printable
    }

    /// A size in words: `25 MiB`, `4096 bytes`.
    static func bytes(_ count: Int) -> String {
        count >= 1 << 20 && count % (1 << 20) == 0 ? "\(count >> 20) MiB" : "\(count) bytes"
    }
}
