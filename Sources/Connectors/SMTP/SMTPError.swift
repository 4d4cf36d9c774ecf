/// What went wrong talking to an SMTP server, and whether trying again later can help.
enum SMTPError: Error, CustomStringConvertible, Sendable {
    /// The server replied with an error code to a command.
    case reply(code: Int, text: String, command: String)
    /// No connection, or it dropped.
    case connection(String)
    /// The server did not answer in time.
    case timeout(String)
    /// The server said something that is not SMTP.
    case protocolViolation(String)
    /// The connector's settings ask for something the server cannot do (e.g. TLS it does not offer).
    case unsupported(String)

    /// 5xx replies are permanent (RFC 5321 §4.2.1): the message is dead-lettered, not retried.
    var isPermanent: Bool {
        if case .reply(let code, _, _) = self { return code >= 500 }
        return false
    }

    var description: String {
        switch self {
        case .reply(let code, let text, let command): "\(command) refused: \(code) \(text)"
        case .connection(let detail): "connection: \(detail)"
        case .timeout(let detail): "timed out \(detail)"
        case .protocolViolation(let detail): "protocol: \(detail)"
        case .unsupported(let detail): detail
        }
    }
}
