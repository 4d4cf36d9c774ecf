import Foundation

/// An invoice as both stores keep it in the `invoice` table: amounts as exact decimal text (never a
/// binary floating point number), dates as `YYYY-MM-DD` text, the status by its raw value. Written
/// and read here once, so the SQLite and the PostgreSQL store agree to the character.
extension Invoice {
    /// The stored text of each column from `number` to `source`, in the table's order.
    package var storedColumns: [String?] {
        [
            number, customer, email, issued?.iso, due?.iso, "\(total)", "\(balance)", currency, status.rawValue,
            source,
        ]
    }

    /// The invoice stored in a row: `text(column)` is the column's text (nil when NULL) and
    /// `unreadable(column)` the error that names a column that does not read as what it holds.
    package init(
        stored text: (String) throws -> String?, unreadable: (String) -> any Error
    ) throws {
        func required(_ column: String) throws -> String {
            guard let value = try text(column) else { throw unreadable(column) }
            return value
        }
        func decimal(_ column: String) throws -> Decimal {
            // Decimal(string:) reads a prefix (`12,50` as 12): the whole text must be a plain decimal.
            let text = try required(column)
            let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                digits.filter({ $0 == "." }).count <= 1,
                let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
            else { throw unreadable(column) }
            return value
        }
        func date(_ column: String) throws -> LocalDate? {
            guard let iso = try text(column) else { return nil }
            guard let date = LocalDate(iso: iso) else { throw unreadable(column) }
            return date
        }
        guard let status = Status(rawValue: try required("status")) else { throw unreadable("status") }
        self.init(
            number: try required("number"), customer: try required("customer"), email: try text("email"),
            issued: try date("issued_on"), due: try date("due_on"), total: try decimal("total"),
            balance: try decimal("balance"), currency: try required("currency"), status: status,
            source: try required("source"))
    }
}
