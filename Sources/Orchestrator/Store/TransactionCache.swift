import Foundation
import GRDB

/// What one write transaction looks up again and again, found once: the engine's hot statements
/// and the text of the time its writes are stamped with.
///
/// GRDB finds a cached statement by hashing its whole SQL at every use, and a commit runs the same
/// few statements for each of a hundred cases; the step's writes all carry the step's time. Kept
/// for one transaction only, so no statement outlives the connection it was prepared on.
final class TransactionCache {
    private var statements: [(sql: UnsafeRawPointer, statement: Statement)] = []
    private var stamp: (date: Date, text: String)?

    /// The prepared statement for `sql` on `db`, from GRDB's cache the first time in the transaction.
    func statement(_ sql: StaticString, in db: Database) throws -> Statement {
        let key = UnsafeRawPointer(sql.utf8Start)
        for found in statements where found.sql == key { return found.statement }
        let statement = try db.cachedStatement(sql: sql.description)
        statements.append((key, statement))
        return statement
    }

    /// `date` as stored (``StoredDate``), computed again only when the date changes.
    func text(_ date: Date) -> String {
        if let stamp, stamp.date == date { return stamp.text }
        let text = StoredDate.text(date)
        stamp = (date, text)
        return text
    }
}
