import Foundation
import GRDB

extension EventRecord {
    /// The columns ``init(positional:)`` reads, in its order, for a `SELECT` that lists them.
    static let positionalColumns =
        "id, type, case_id, causation_id, payload_json, producer, idempotency_key, status, created_at, due_at, attempts, last_error, dead_at"

    /// The event in a row of ``positionalColumns``, decoded by position: the step's read decodes
    /// every waiting event, and a lookup by name (as the `Codable` decoding makes) lowercases the
    /// name and compares it with every column, for every column of every row. Throws, as that
    /// decoding does, when a value does not read (a date, a status).
    init(positional row: Row) throws {
        let status: String = try row.decode(atIndex: 7)
        guard let known = Status(rawValue: status) else {
            throw RuntimeStore.UnreadableData(
                description: "its status \(String(reflecting: status)) is not one Baton knows")
        }
        self.init(
            id: try row.decode(atIndex: 0), type: try row.decode(atIndex: 1), caseID: try row.decode(atIndex: 2),
            causationID: try row.decode(atIndex: 3), payloadJSON: try row.decode(atIndex: 4),
            producer: try row.decode(atIndex: 5), idempotencyKey: try row.decode(atIndex: 6), status: known,
            createdAt: try row.decode(atIndex: 8), dueAt: try row.decode(atIndex: 9),
            attempts: try row.decode(atIndex: 10),
            lastError: try row.decode(atIndex: 11), deadAt: try row.decode(atIndex: 12))
    }
}
