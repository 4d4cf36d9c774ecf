/// An email that cannot be made into a safe message: an address that is not one plain address (a
/// line break, a second recipient, no domain). It is refused, never "repaired" into a message to a
/// recipient nobody meant; the delivery is dead-lettered with this reason.
public struct MIMEError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Reason: Equatable {
        case address(field: String, value: String, why: String)
        case key(String)
    }

    private let reason: Reason

    static func address(_ field: String, _ value: String, _ why: String) -> MIMEError {
        MIMEError(reason: .address(field: field, value: value, why: why))
    }

    static func key(_ key: String) -> MIMEError { MIMEError(reason: .key(key)) }

    public var description: String {
        switch reason {
        case .address(let field, let value, let why):
            "the \(field) address \(Self.shown(value)) is refused: \(why)"
        case .key(let key):
            "the idempotency key \(Self.shown(key)) cannot name a file (it holds '/', a NUL or is '.' or '..')"
        }
    }

    /// The value as a quoted Swift literal (line breaks and controls escaped), cut to 120 characters:
    /// a hostile value must not forge lines in the log or the audit trail that show this error.
    private static func shown(_ value: String) -> String {
        let cut =
            value.unicodeScalars.count > 120
            ? String(String.UnicodeScalarView(value.unicodeScalars.prefix(120))) + "…" : value
        return cut.debugDescription
    }
}
