import Blueprint
import Foundation
import GRDB

extension RuntimeStore {
    /// Queues an action in the outbox, once per idempotency key (a repeat is ignored); returns
    /// whether this call queued it. Every producer of actions (the engine's agents, approval notices,
    /// webhooks) queues through here.
    @discardableResult
    static func queueAction(
        _ db: Database, key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date
    ) throws -> Bool {
        try queueAction(
            db.cachedStatement(sql: actionInsert.description), db, key: key, caseID: caseID, agent: agent,
            action: action, payloadJSON: payloadJSON, stamp: StoredDate.text(at))
    }

    /// The insert of a queued action (none when its key was queued before).
    static let actionInsert: StaticString = """
        INSERT OR IGNORE INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at)
        VALUES (?, ?, ?, ?, ?, 'queued', 0, ?)
        """

    /// Queues an action through `statement` (``actionInsert``, prepared), its time already as
    /// stored; whether it was queued now.
    static func queueAction(
        _ statement: Statement, _ db: Database, key: String, caseID: String, agent: String, action: ActionKind,
        payloadJSON: String, stamp: String
    ) throws -> Bool {
        // Bound through the C API: queueing is one of the engine's hottest writes.
        try HotStatement.execute(
            statement,
            [.text(key), .text(caseID), .text(agent), .text(action.rawValue), .text(payloadJSON), .text(stamp)])
        return db.changesCount == 1
    }
}
