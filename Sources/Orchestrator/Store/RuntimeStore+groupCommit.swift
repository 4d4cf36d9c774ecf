import Foundation
import GRDB
import Signing

/// An event an outside tool submits, ready to store: its payload already encoded, so nothing about
/// it can fail to encode once it is in a group.
public struct IntakeEvent: Sendable, Hashable {
    public var type: String
    public var caseID: String
    /// The payload as a JSON object, keys sorted.
    public var payloadJSON: String
    /// Who produced it: `intake`, `cli`.
    public var producer: String
    /// A retry with the same key is stored once; the same key with another type or payload is
    /// refused (``IntakeRefusal/isKeyReused``). Callers scope it to their producer (the intake
    /// writes `intake:PRODUCER:KEY`, `baton event send` writes `cli:KEY`).
    public var idempotencyKey: String?
    /// The signature a signed request was let in with: refused if it was used before
    /// (``IntakeRefusal/isReplay``), remembered with the event until it expires.
    public var signature: UsedSignature?

    /// SHA-256 of the event as its producer sent it (type and payload, the payload's keys sorted):
    /// what an idempotency key is bound to.
    public var bodyDigest: String { Self.bodyDigest(type: type, payloadJSON: payloadJSON) }

    package static func bodyDigest(type: String, payloadJSON: String) -> String {
        RequestSignature.digestHex("\(type.utf8.count):\(type)\(payloadJSON)")
    }

    /// - Throws: when `payload` is not something JSON can hold (a caller's error, found before the
    ///   event joins a group).
    public init(
        type: String, caseID: String, payload: [String: Any], producer: String, idempotencyKey: String? = nil,
        signature: UsedSignature? = nil
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
        self.init(
            type: type, caseID: caseID, payloadJSON: json, producer: producer, idempotencyKey: idempotencyKey,
            signature: signature)
    }

    public init(
        type: String, caseID: String, payloadJSON: String, producer: String, idempotencyKey: String? = nil,
        signature: UsedSignature? = nil
    ) {
        self.type = type
        self.caseID = caseID
        self.payloadJSON = payloadJSON
        self.producer = producer
        self.idempotencyKey = idempotencyKey
        self.signature = signature
    }
}

/// A request signature the intake accepted, as the store remembers it: a digest of it, and when
/// its timestamp leaves the window (after which the intake refuses it as too old anyway).
public struct UsedSignature: Sendable, Hashable {
    public var digest: String
    public var expiresAt: Date

    /// - Parameter signature: the `v1` value of `X-Baton-Signature` (only its digest is kept).
    public init(signature: String, expiresAt: Date) {
        self.digest = RequestSignature.digestHex(signature.lowercased())
        self.expiresAt = expiresAt
    }
}

/// Why the store refused one submission: its idempotency key was used with another body, or its
/// signature was used before.
public struct IntakeRefusal: Error, CustomStringConvertible, Sendable {
    fileprivate enum Reason: Sendable {
        case keyReused(firstEvent: Int64, caseID: String)
        case replayed
    }

    fileprivate let reason: Reason

    fileprivate init(_ reason: Reason) { self.reason = reason }

    /// The idempotency key was stored before with another type or payload (nothing stored now).
    public var isKeyReused: Bool {
        if case .keyReused = reason { return true }
        return false
    }

    /// The event first stored under the key, when ``isKeyReused``.
    public var firstEvent: (id: Int64, caseID: String)? {
        if case .keyReused(let id, let caseID) = reason { return (id, caseID) }
        return nil
    }

    /// The request's signature was used before (a replay; nothing stored now).
    public var isReplay: Bool {
        if case .replayed = reason { return true }
        return false
    }

    public var description: String {
        switch reason {
        case .keyReused(let id, let caseID):
            return
                "the idempotency key was used with a different request body (event \(id), case \(caseID)); a different event needs a new key"
        case .replayed:
            return "this signature was used before (a replay?): sign each request anew, with its own timestamp"
        }
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
    /// group, answers with that first event and stores nothing when the body is the same
    /// (``IntakeEvent/bodyDigest``), and is refused with ``IntakeRefusal`` when it is not. A
    /// signature already used (in this group, or unexpired in the store) is refused; an accepted
    /// one is remembered in the same transaction, and expired ones are purged with it.
    ///
    /// Runs on the database's own thread through GRDB's async `write`: the calling task is
    /// suspended, no thread of the cooperative pool waits on SQLite.
    ///
    /// - Returns: one result per event, in order.
    /// - Throws: when the transaction as a whole fails, or an error ended it (then none is stored).
    public func store(group events: [IntakeEvent]) async throws -> [Result<StoredIntake, any Error>] {
        let now = clock()
        let stamp = StoredDate.text(now)
        return try await database.write { db in
            if events.contains(where: { $0.signature != nil }) {
                try db.cachedStatement(sql: "DELETE FROM intake_signature WHERE expires_at < ?").execute(
                    arguments: [stamp])
            }
            var results: [Result<StoredIntake, any Error>] = []
            results.reserveCapacity(events.count)
            for event in events {
                do {
                    results.append(.success(try Self.storeIntake(db, event, stamp: stamp)))
                } catch let refusal as IntakeRefusal {
                    results.append(.failure(refusal))
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

    /// Stores one submission durably with the group commit's rules (for `baton event send`, which
    /// has no group to join): the same key and body answer the first event; another body under the
    /// key throws ``IntakeRefusal``.
    public func store(intake event: IntakeEvent) throws -> StoredIntake {
        let stamp = StoredDate.text(clock())
        return try database.write { db in try Self.storeIntake(db, event, stamp: stamp) }
    }

    /// One submission inside a write transaction: the replay check, the idempotency rule, the
    /// insert, and the signature remembered. Throws ``IntakeRefusal`` before writing anything.
    static func storeIntake(_ db: Database, _ event: IntakeEvent, stamp: String) throws -> StoredIntake {
        if let signature = event.signature {
            let seen = try db.cachedStatement(sql: "SELECT 1 FROM intake_signature WHERE digest = ?")
            if try Bool.fetchOne(seen, arguments: [signature.digest]) == true {
                throw IntakeRefusal(.replayed)
            }
        }
        var digest: String?
        if let key = event.idempotencyKey {
            // The key bound as its bytes, cast to text: a string argument would end at a NUL, and
            // then miss the key the insert below stores whole (its repeat would fail the group).
            let lookup = try db.cachedStatement(
                sql: """
                    SELECT id, case_id, type, payload_json, idempotency_digest FROM event
                    WHERE idempotency_key = CAST(? AS TEXT)
                    """)
            let body = event.bodyDigest
            digest = body
            if let row = try Row.fetchOne(lookup, arguments: [Data(key.utf8)]) {
                // A row stored before digests were kept (or by an internal producer) has none: it
                // matches only the identical type and payload, compared the same way.
                // Read without trapping: a stored row that does not read is an error for this event.
                let stored: String =
                    try row.stored("idempotency_digest", in: "event", as: String?.self)
                    ?? IntakeEvent.bodyDigest(
                        type: try row.stored("type", in: "event"),
                        payloadJSON: try row.stored("payload_json", in: "event"))
                let id: Int64 = try row.stored("id", in: "event")
                let caseID: String = try row.stored("case_id", in: "event")
                guard stored == body else {
                    throw IntakeRefusal(.keyReused(firstEvent: id, caseID: caseID))
                }
                return StoredIntake(id: id, caseID: caseID, isNew: false)
            }
        }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO event (type, case_id, payload_json, producer, idempotency_key, idempotency_digest, status,
                    created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)
                """)
        try HotStatement.execute(
            insert,
            [
                .text(event.type), .text(event.caseID), .text(event.payloadJSON), .text(event.producer),
                HotValue(event.idempotencyKey), HotValue(digest), .text(stamp),
            ])
        let id = db.lastInsertedRowID
        try RunningCountDeltas.add(db, RunningCountDeltas.events, 1)
        if let signature = event.signature {
            try db.cachedStatement(sql: "INSERT INTO intake_signature (digest, expires_at) VALUES (?, ?)").execute(
                arguments: [signature.digest, StoredDate.text(signature.expiresAt)])
        }
        return StoredIntake(id: id, caseID: event.caseID, isNew: true)
    }
}

extension IntakeRefusal {
    /// The key was first used for event `id` of `caseID`, with another body (for another store).
    package static func keyReused(firstEvent id: Int64, caseID: String) -> IntakeRefusal {
        IntakeRefusal(.keyReused(firstEvent: id, caseID: caseID))
    }

    /// The signature was used before (for another store).
    package static let replayed = IntakeRefusal(.replayed)
}
