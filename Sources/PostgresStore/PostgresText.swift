import PostgresNIO

/// Text as the PostgreSQL store binds it. PostgreSQL's `text` cannot hold NUL (the server refuses
/// the whole statement, SQLSTATE 22021), while the runtime's text is any Swift string: a NUL from a
/// hostile email's subject or a form's field would fail a whole inbox batch or intake group again
/// and again. So every string bound through a query's interpolation has NUL as U+FFFD (the
/// replacement character), the same on every write and lookup, so keys still match.
extension PostgresQuery.StringInterpolation {
    /// Binds `value` with NUL as U+FFFD.
    mutating func appendInterpolation(_ value: String) {
        bind(PostgresText.storable(value))
    }

    /// Binds `value` (NULL when nil) with NUL as U+FFFD.
    mutating func appendInterpolation(_ value: String?) {
        bind(value.map(PostgresText.storable))
    }

    /// Binds `value` as a `text[]` with NUL as U+FFFD in each element.
    mutating func appendInterpolation(_ value: [String]) {
        bind(value.map(PostgresText.storable))
    }

    /// PostgresNIO's own binding (a generic value never reaches the overloads above).
    private mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value) {
        appendInterpolation(value)
    }

    private mutating func bind<Value: PostgresNonThrowingEncodable>(_ value: Value?) {
        appendInterpolation(value)
    }
}

/// NUL in text as the PostgreSQL store keeps it.
enum PostgresText {
    /// `text` with every NUL as U+FFFD (unchanged, and not copied, when it has none).
    static func storable(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        return text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
    }
}
