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
        // A cached statement bound through the C API: queueing is one of the engine's hottest writes.
        try HotStatement.execute(
            db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at)
                    VALUES (?, ?, ?, ?, ?, 'queued', 0, ?)
                    """),
            [
                .text(key), .text(caseID), .text(agent), .text(action.rawValue), .text(payloadJSON),
                .text(StoredDate.text(at)),
            ])
        return db.changesCount == 1
    }
}
