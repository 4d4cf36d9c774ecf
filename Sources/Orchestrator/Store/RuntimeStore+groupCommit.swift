import Foundation
import GRDB

/// An event an outside tool submits, ready to store: its payload already encoded, so nothing about
/// it can fail to encode once it is in a group.
public struct IntakeEvent: Sendable, Hashable {
    public var type: String
    public var caseID: String
    /// The payload as a JSON object, keys sorted.
    public var payloadJSON: String
    /// Who produced it: `intake`, `cli`.
    public var producer: String
    /// A retry with the same key is stored once.
    public var idempotencyKey: String?

    /// - Throws: when `payload` is not something JSON can hold (a caller's error, found before the
    ///   event joins a group).
    public init(
        type: String, caseID: String, payload: [String: Any], producer: String, idempotencyKey: String? = nil
    ) throws {
        let json: String
        if let strings = payload as? [String: String] {
            // A form's fields, the common case: written by hand, as the engine writes its maps
            // (Foundation's encoder was the largest cost of an intake request in the profile).
            json = StringMapJSON.encode(strings)
        } else {
            let data = try JSONSerialization.data(
                withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])
            json = String(decoding: data, as: UTF8.self)
        }
        self.init(type: type, caseID: caseID, payloadJSON: json, producer: producer, idempotencyKey: idempotencyKey)
    }

    public init(type: String, caseID: String, payloadJSON: String, producer: String, idempotencyKey: String? = nil) {
        self.type = type
        self.caseID = caseID
        self.payloadJSON = payloadJSON
        self.producer = producer
        self.idempotencyKey = idempotencyKey
    }
}

/// What storing one submission came to: its event, its case, and whether this submission stored it
/// (false for a repeated idempotency key, which answers with the first event).
public struct StoredIntake: Sendable, Hashable {
    public let id: Int64
    public let caseID: String
    public let isNew: Bool
}

extension RuntimeStore {
    /// Stores a group of submissions in one write transaction, so one synced commit
    /// (`synchronous = FULL`) makes them all durable. Each event is one `INSERT`, and SQLite undoes
    /// a statement that fails on its own, leaving the transaction open: that event is answered with
    /// its error and the others are stored. A key already stored, or stored earlier in the same
    /// group, answers with that first event and stores nothing.
    ///
    /// Runs on the database's own thread through GRDB's async `write`: the calling task is
    /// suspended, no thread of the cooperative pool waits on SQLite.
    ///
    /// - Returns: one result per event, in order.
    /// - Throws: when the transaction as a whole fails, or an error ended it (then none is stored).
    public func store(group events: [IntakeEvent]) async throws -> [Result<StoredIntake, any Error>] {
        let stamp = StoredDate.text(clock())
        return try await database.write { db in
            let lookup = try db.cachedStatement(sql: "SELECT id, case_id FROM event WHERE idempotency_key = ?")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO event (type, case_id, payload_json, producer, idempotency_key, status, created_at)
                    VALUES (?, ?, ?, ?, ?, 'pending', ?)
                    """)
            var results: [Result<StoredIntake, any Error>] = []
            results.reserveCapacity(events.count)
            for event in events {
                do {
                    if let key = event.idempotencyKey,
                        let row = try Row.fetchOne(lookup, arguments: [key])
                    {
                        results.append(.success(StoredIntake(id: row["id"], caseID: row["case_id"], isNew: false)))
                        continue
                    }
                    try HotStatement.execute(
                        insert,
                        [
                            .text(event.type), .text(event.caseID), .text(event.payloadJSON), .text(event.producer),
                            HotValue(event.idempotencyKey), .text(stamp),
                        ])
                    results.append(.success(StoredIntake(id: db.lastInsertedRowID, caseID: event.caseID, isNew: true)))
                } catch {
                    // A full disk or an I/O error can end the transaction itself: then nothing of
                    // the group stands, and every member must hear so.
                    guard db.isInsideTransaction else { throw error }
                    results.append(.failure(error))
                }
            }
            return results
        }
    }
}
