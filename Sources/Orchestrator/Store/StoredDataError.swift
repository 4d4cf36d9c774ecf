import Foundation
import GRDB

/// A stored value that does not read as what the column holds (a hand edit, an old bug, a broken
/// disk): said with its table, row, column and the value shortened, instead of GRDB's trap.
public struct StoredDataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var table: String
    /// The row's id (or key), when it reads.
    public var row: String?
    public var column: String
    /// The value found, shortened to 40 characters.
    public var value: String

    public var description: String {
        "stored data could not be read: \(table)\(row.map { " #\($0)" } ?? "") \(column) holds \(value)"
    }

    /// The value `value` (already shown, ``shown(text:)``) in `column` of `table`'s row `row`.
    package init(table: String, row: String?, column: String, value: String) {
        self.table = table
        self.row = row
        self.column = column
        self.value = value
    }

    /// Stored text as a message shows it: quoted, on one line, cut at 40 characters.
    package static func shown(text: String) -> String {
        let cut = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\"" + cut.replacingOccurrences(of: "\n", with: " ") + "\""
    }

    /// `value` as text for a message: a blob as its size, text quoted and cut at 40 characters.
    static func shown(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let number): return String(number)
        case .double(let number): return String(number)
        case .blob(let data): return "a blob of \(data.count) bytes"
        case .string(let text): return shown(text: text)
        }
    }
}

extension Row {
    /// Column `column` as `Value`, or a ``StoredDataError`` naming `table` and the row (its
    /// `key` column) when the stored value does not convert. Never traps, unlike `row[column]`.
    func stored<Value: DatabaseValueConvertible>(
        _ column: String, in table: String, key: String? = "id", as type: Value.Type = Value.self
    ) throws -> Value {
        do {
            return try decode(Value.self, forColumn: column)
        } catch {
            throw StoredDataError(
                table: table, row: key.flatMap { storedText($0) }, column: column,
                value: StoredDataError.shown(databaseValue(column)))
        }
    }

    /// The column's value as a ``DatabaseValue`` (NULL when there is no such column), never trapping.
    func databaseValue(_ column: String) -> DatabaseValue {
        (self[column] as (any DatabaseValueConvertible)?)?.databaseValue ?? .null
    }

    /// The column's value as short text, for naming a row in a message.
    func storedText(_ column: String) -> String? {
        let value = databaseValue(column)
        if case .string(let text) = value.storage { return String(text.prefix(40)) }
        return value.isNull ? nil : StoredDataError.shown(value)
    }
}

extension StoredDataError {
    /// The columns the store holds integers in (the others hold text, or dates in `at` and `*_at`).
    static let integerColumns: Set<String> = [
        "id", "attempts", "revises", "causation_id", "version", "score", "token_id", "n", "value", "sessions",
    ]

    /// Which column of `row` (of `table`) did not decode as a record: the first whose value is not
    /// what the column holds, or, if none is found, the decoder's own message shortened.
    static func locate(_ row: Row, in table: String, key: String = "id", error: any Error) -> StoredDataError {
        let id = row.storedText(key)
        for column in row.columnNames {
            let value = row.databaseValue(column)
            var bad = false
            switch value.storage {
            case .null: bad = false
            case .blob(let data): bad = String(data: data, encoding: .utf8) == nil || integerColumns.contains(column)
            case .string: bad = integerColumns.contains(column)
            case .int64, .double: bad = false
            }
            if !bad, !value.isNull, column == "at" || column.hasSuffix("_at") {
                bad = Date.fromDatabaseValue(value) == nil
            }
            if bad { return StoredDataError(table: table, row: id, column: column, value: shown(value)) }
        }
        let message = "\(error)"
        return StoredDataError(
            table: table, row: id, column: "?", value: message.count > 80 ? String(message.prefix(80)) + "…" : message)
    }
}

extension FetchableRecord {
    /// The record in `row`, or a ``StoredDataError`` saying which column of `table` does not read.
    static func readable(_ row: Row, in table: String, key: String = "id") throws -> Self {
        do {
            return try Self(row: row)
        } catch {
            throw StoredDataError.locate(row, in: table, key: key, error: error)
        }
    }
}

extension OutboxItem {
    static func readable(_ row: Row) throws -> OutboxItem { try readable(row, in: "outbox") }
}
