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
        let data = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])
        self.init(
            type: type, caseID: caseID, payloadJSON: String(decoding: data, as: UTF8.self), producer: producer,
            idempotencyKey: idempotencyKey)
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
    /// (`synchronous = FULL`) makes them all durable. Each event has its own savepoint: one that
    /// fails is rolled back alone and answered with its error, the others are stored. A key already
    /// stored, or stored earlier in the same group, answers with that first event and stores nothing.
    ///
    /// Runs on the database's own thread through GRDB's async `write`: the calling task is suspended,
    /// no thread of the cooperative pool waits on SQLite.
    ///
    /// - Returns: one result per event, in order.
    /// - Throws: when the transaction as a whole fails (then none of them is stored).
    public func store(group events: [IntakeEvent]) async throws -> [Result<StoredIntake, any Error>] {
        let now = clock()
        return try await database.write { db in
            var results: [Result<StoredIntake, any Error>] = []
            results.reserveCapacity(events.count)
            for event in events {
                var stored: StoredIntake?
                do {
                    try db.inSavepoint {
                        if let key = event.idempotencyKey,
                            let row = try Row.fetchOne(
                                db, sql: "SELECT id, case_id FROM event WHERE idempotency_key = ?", arguments: [key])
                        {
                            stored = StoredIntake(id: row["id"], caseID: row["case_id"], isNew: false)
                            return .commit
                        }
                        let record = EventRecord(
                            id: nil, type: event.type, caseID: event.caseID, causationID: nil,
                            payloadJSON: event.payloadJSON, producer: event.producer,
                            idempotencyKey: event.idempotencyKey, status: .pending, createdAt: now, dueAt: nil)
                        try record.insert(db)
                        stored = StoredIntake(id: db.lastInsertedRowID, caseID: event.caseID, isNew: true)
                        return .commit
                    }
                    results.append(.success(stored!))
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }
}
