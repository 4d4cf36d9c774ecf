/// A problem in an expression's text, with the character offset where it was found.
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in words a pack author can act on.
    public let message: String
    /// Zero-based offset, in characters, into the expression's source text.
    public let offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) (at character \(offset + 1))" }
}
