import Foundation
import Orchestrator
import PostgresNIO

/// The intake on PostgreSQL (``IntakeStorage``): a group of submissions in one transaction, each in
/// a savepoint of its own (PostgreSQL aborts a whole transaction on a failed statement; the
/// savepoint makes a refused event roll back alone, as SQLite's statement rollback does). The same
/// rules as the SQLite store's group commit: a key stored before with the same body answers with
/// its first event, with another body it is refused; a used signature is refused. Any worker takes
/// submissions: the key's unique index decides between two workers storing one key at once.
extension PostgresStore: IntakeStorage {
    package func store(group events: [IntakeEvent]) async throws -> [Result<StoredIntake, any Error>] {
        let now = StoredTime.rounded(clock())
        return try await write { tx in
            if events.contains(where: { $0.signature != nil }) {
                try tx.run("DELETE FROM intake_signature WHERE expires_at < \(now)")
            }
            var results: [Result<StoredIntake, any Error>] = []
            results.reserveCapacity(events.count)
            for event in events {
                do {
                    var stored: StoredIntake?
                    try tx.atomically { stored = try Self.storeIntake(tx, event, at: now) }
                    if let stored { results.append(.success(stored)) }
                } catch let refusal as IntakeRefusal {
                    results.append(.failure(refusal))
                } catch let error as QueryTimeout {
                    throw error
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    @discardableResult
    package func submit(_ event: IntakeEvent) async throws -> Int64 {
        try await store(group: [event])[0].get().id
    }

    /// One submission inside the group's transaction (also the inbox's and the books clock's).
    /// Throws ``IntakeRefusal`` before writing.
    static func storeIntake(_ tx: PostgresTransaction, _ event: IntakeEvent, at now: Date) throws
        -> StoredIntake
    {
        if let signature = event.signature,
            try tx.run("SELECT 1 FROM intake_signature WHERE digest = \(signature.digest)").first != nil
        {
            throw IntakeRefusal.replayed
        }
        let digest = event.idempotencyKey == nil ? nil : event.bodyDigest
        let inserted = try tx.run(
            """
            INSERT INTO event (type, case_id, payload_json, producer, idempotency_key, idempotency_digest, status,
                created_at)
            VALUES (\(event.type), \(event.caseID), \(event.payloadJSON), \(event.producer), \(event.idempotencyKey),
                \(digest), 'pending', \(now))
            ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING id
            """)
        guard let row = inserted.first else {
            // The key is stored (by this group, another worker or before): same body, same event.
            guard let key = event.idempotencyKey,
                let first = try tx.run(
                    """
                    SELECT id, case_id, type, payload_json, idempotency_digest FROM event WHERE idempotency_key = \(key)
                    """
                ).first
            else { throw MissingRow(table: "event (idempotency key)", id: nil) }
            let stored = StoredRow(first)
            let id: Int64 = try stored("id")
            let caseID: String = try stored("case_id")
            let body =
                try stored("idempotency_digest", as: String?.self)
                ?? IntakeEvent.bodyDigest(type: try stored("type"), payloadJSON: try stored("payload_json"))
            guard body == event.bodyDigest else { throw IntakeRefusal.keyReused(firstEvent: id, caseID: caseID) }
            return StoredIntake(event: id, caseID: caseID, isNew: false)
        }
        let id = try row.decode(Int64.self)
        if let signature = event.signature {
            try tx.run(
                """
                INSERT INTO intake_signature (digest, expires_at) VALUES (\(signature.digest), \(StoredTime.rounded(signature.expiresAt)))
                """)
        }
        return StoredIntake(event: id, caseID: event.caseID, isNew: true)
    }
}
