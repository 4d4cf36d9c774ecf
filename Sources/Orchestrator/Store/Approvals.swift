import Blueprint
import Foundation
import GRDB

/// A person's decisions on pending approvals. The proposed, approved and executed versions are all
/// kept: the approval row holds the first two, the outbox (keyed `approval-ID`) the third.
public struct Approvals: Sendable {
    let store: RuntimeStore

    public init(store: RuntimeStore) {
        self.store = store
    }

    /// The producer of the events a person's decisions create.
    public static let producer = "owner"

    // Each operation is written once, as a static function of a database connection; the sync
    // variant (the CLI) and the `…Async` one (the server: through GRDB's async `read`/`write`, it
    // never blocks a thread of the cooperative pool, CONVENTIONS 12) only choose how to reach the
    // store. (Distinct names, not overloads: an async overload of the same name would be chosen in
    // every async caller that means the sync one, the tests' among them.)

    public func pending() throws -> [ApprovalRecord] {
        try store.database.read { try Self.pending($0) }
    }

    /// Every pending approval that reads, oldest first, and those whose stored row does not (left
    /// out, to be said: `baton approvals list`).
    public func pendingListing() throws -> (approvals: [ApprovalRecord], unreadable: [StoredDataError]) {
        try store.database.read { try Self.pendingListing($0) }
    }

    static func pendingListing(_ db: Database) throws -> (approvals: [ApprovalRecord], unreadable: [StoredDataError]) {
        var approvals: [ApprovalRecord] = []
        var unreadable: [StoredDataError] = []
        for row in try Row.fetchAll(db, ApprovalRecord.filter(Column("status") == "pending").order(Column("id"))) {
            do { approvals.append(try ApprovalRecord.readable(row, in: "approval")) } catch let error
                as StoredDataError
            { unreadable.append(error) }
        }
        return (approvals, unreadable)
    }

    public func pendingAsync() async throws -> [ApprovalRecord] {
        try await store.database.read { try Self.pending($0) }
    }

    static func pending(_ db: Database) throws -> [ApprovalRecord] {
        // Decoded row by row: one that does not read is a StoredDataError naming it.
        try Row.fetchAll(db, ApprovalRecord.filter(Column("status") == "pending").order(Column("id"))).map {
            try ApprovalRecord.readable($0, in: "approval")
        }
    }

    public func get(_ id: Int64) throws -> ApprovalRecord {
        try store.database.read { try Self.get($0, id) }
    }

    public func getAsync(_ id: Int64) async throws -> ApprovalRecord {
        try await store.database.read { try Self.get($0, id) }
    }

    static func get(_ db: Database, _ id: Int64) throws -> ApprovalRecord {
        guard let row = try Row.fetchOne(db, ApprovalRecord.filter(key: id)) else {
            throw RuntimeError("no approval \(id) (see `baton approvals list`)")
        }
        return try ApprovalRecord.readable(row, in: "approval")
    }

    /// Approves, optionally with an edited action (e.g. a changed email body), and queues it.
    public func approve(_ id: Int64, edited: [String: String]? = nil) throws {
        let clock = store.clock
        try store.database.write { try Self.approve($0, id, edited: edited, at: clock()) }
    }

    public func approveAsync(_ id: Int64, edited: [String: String]? = nil) async throws {
        let clock = store.clock
        try await store.database.write { try Self.approve($0, id, edited: edited, at: clock()) }
    }

    static func approve(_ db: Database, _ id: Int64, edited: [String: String]?, at now: Date) throws {
        try decide(db, id) { record in
            let json = try approvedJSON(record, edited: edited)
            var updated = record
            updated.status = .approved
            updated.approvedJSON = json
            updated.decidedAt = now
            try updated.update(db)
            // Queued as every action is, and counted with them.
            _ = try SQLiteTransaction.within(db) { tx in
                try tx.queueAction(
                    key: "approval-\(id)", caseID: record.caseID, agent: record.agent, action: record.action,
                    payloadJSON: json, at: now)
            }
            try RuntimeStore.appendAudit(
                db, at: now, caseID: record.caseID, agent: record.agent, kind: .approved,
                detail: "\(record.action) #\(id)\(edited == nil ? "" : " (edited)")")
        }
    }

    /// Rejects with a reason; nothing leaves.
    public func reject(_ id: Int64, reason: String) throws {
        let clock = store.clock
        try store.database.write { try Self.reject($0, id, reason: reason, at: clock()) }
    }

    public func rejectAsync(_ id: Int64, reason: String) async throws {
        let clock = store.clock
        try await store.database.write { try Self.reject($0, id, reason: reason, at: clock()) }
    }

    static func reject(_ db: Database, _ id: Int64, reason: String, at now: Date) throws {
        try decide(db, id) { record in
            var updated = record
            updated.status = .rejected
            updated.decision = reason
            updated.decidedAt = now
            try updated.update(db)
            try RuntimeStore.appendAudit(
                db, at: now, caseID: record.caseID, agent: record.agent, kind: .rejected,
                detail: "\(record.action) #\(id): \(reason)")
        }
    }

    /// Overrides with instructions: the approval closes and the instructions go back to the agent
    /// as an `approval.overridden` event on the case. The engine has the agent apply them and
    /// resubmit its revised proposal through the policy gate, as a new pending approval. Returns
    /// the event's id. The instructions are words to the agent, never sent to the customer.
    @discardableResult
    public func override(_ id: Int64, instructions: String) throws -> Int64 {
        let clock = store.clock
        return try store.database.write { try Self.override($0, id, instructions: instructions, at: clock()) }
    }

    @discardableResult
    public func overrideAsync(_ id: Int64, instructions: String) async throws -> Int64 {
        let clock = store.clock
        return try await store.database.write { try Self.override($0, id, instructions: instructions, at: clock()) }
    }

    static func override(_ db: Database, _ id: Int64, instructions: String, at now: Date) throws -> Int64 {
        var eventID: Int64 = 0
        try decide(db, id) { record in
            var updated = record
            updated.status = .overridden
            updated.decision = instructions
            updated.decidedAt = now
            try updated.update(db)
            try EventRecord(
                id: nil, type: Engine.overrideEvent, caseID: record.caseID, causationID: nil,
                payloadJSON: StringMapJSON.encode(["approval": "\(id)", "instructions": instructions]),
                producer: Self.producer, idempotencyKey: nil, status: .pending, createdAt: now, dueAt: nil
            ).insert(db)
            eventID = db.lastInsertedRowID
            try RunningCountDeltas.add(db, RunningCountDeltas.events, 1)
            try RuntimeStore.appendAudit(
                db, at: now, caseID: record.caseID, agent: record.agent, kind: .overridden,
                detail: "\(record.action) #\(id): back to \(record.agent) with instructions")
        }
        return eventID
    }

    /// The action as approved: the proposal with the person's edits, without the owner's
    /// instructions (words to the agent, not part of what is carried out).
    package static func approvedJSON(_ record: ApprovalRecord, edited: [String: String]?) throws -> String {
        var payload = try Self.payload(record.proposedJSON)
        for (key, value) in edited ?? [:] { payload[key] = value }
        payload["instructions"] = nil
        return try Self.json(payload)
    }

    /// Queues a notice email from Baton itself, once per key.
    static func queueNotice(
        _ tx: any RuntimeTransaction, key: String, caseID: String, at: Date, payload: [String: String]
    ) throws {
        try tx.queueAction(
            key: key, caseID: caseID, agent: ApprovalNotice.sender, action: ApprovalNotice.action,
            payloadJSON: StringMapJSON.encode(payload), at: at)
    }

    /// A wait in plain words: `50 min`, `26 h`, `3 days`.
    static func words(_ seconds: TimeInterval) -> String {
        if seconds < 3600 { return "\(Int(seconds / 60)) min" }
        if seconds < 3 * 86400 { return "\(Int(seconds / 3600)) h" }
        return "\(Int(seconds / 86400)) days"
    }

    /// Runs `body` on the approval `id` if it is still pending, in the caller's write transaction.
    private static func decide(_ db: Database, _ id: Int64, _ body: (ApprovalRecord) throws -> Void) throws {
        let record = try get(db, id)
        guard record.status == .pending else {
            throw RuntimeError("approval \(id) is already \(record.status.rawValue)")
        }
        try body(record)
    }

    /// An action's payload from its JSON.
    public static func payload(_ json: String) throws -> [String: String] {
        (try JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] ?? [:]
    }

    static func json(_ payload: [String: String]) throws -> String {
        String(
            decoding: try JSONSerialization.data(
                withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }
}

/// A runtime operation that cannot be done, with what to do instead.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
