import GRDB
import GRDBSQLite

/// A value bound to one of the engine's hot statements.
enum HotValue {
    case text(String)
    case integer(Int64)
    case null

    init(_ text: String?) { self = text.map(HotValue.text) ?? .null }
    init(_ integer: Int64?) { self = integer.map(HotValue.integer) ?? .null }
}

/// Runs a cached statement with its values bound straight through SQLite's C API. The engine
/// writes a dozen rows per lead (events, audit lines, outbox items); GRDB's general argument
/// path, with its boxed values, was the largest part of that cost in the profile.
enum HotStatement {
    /// Binds `values` in order, steps the statement to completion, and resets it for the next use.
    static func execute(_ statement: Statement, _ values: [HotValue]) throws {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .text(var text):
                // The string's own bytes (no C-string copy); SQLite copies them.
                code = text.withUTF8 { bytes in
                    // An empty buffer has no address, and a null one would bind NULL: "" for it.
                    guard let base = bytes.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, transient) }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(handle, index, $0, Int32(bytes.count), transient)
                    }
                }
            case .integer(let integer): code = sqlite3_bind_int64(handle, index, integer)
            case .null: code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw failure(code, statement) }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw failure(code, statement) }
    }

    /// SQLite copies the bytes before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func failure(_ code: Int32, _ statement: Statement) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement))),
            sql: statement.sql)
    }
}
