import Blueprint
import Foundation
import GRDB

/// Actions deferred by an agent's hourly limit: an outbox row in status `deferred` with the time it
/// goes (`not_before`, also its `next_attempt_at`), queued when that time comes. Every row's hour is
/// `coalesce(not_before, created_at)`: the limit counts a deferred action in the hour it goes.
extension RuntimeStore {
    /// Registers the migration that adds the not-before time and its indexes.
    static func registerDeferredMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("limits: deferred actions") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN not_before DATETIME;
                    CREATE INDEX outbox_agent_hour ON outbox (agent, coalesce(not_before, created_at));
                    DROP INDEX IF EXISTS outbox_agent_time;
                    CREATE INDEX outbox_agent_deferred ON outbox (agent, not_before) WHERE not_before IS NOT NULL;
                    CREATE INDEX outbox_deferred ON outbox (not_before) WHERE status = 'deferred';
                    """)
        }
    }

    /// The query of an agent's latest hours (``SQLiteTransaction/actionWindow(of:after:limit:)``),
    /// a search of `outbox_agent_hour` (tested with `EXPLAIN QUERY PLAN`).
    static let actionHoursSQL = """
        SELECT coalesce(not_before, created_at) FROM outbox
        WHERE agent = ? AND coalesce(not_before, created_at) > ?
        ORDER BY coalesce(not_before, created_at) DESC LIMIT ?
        """

    package func nextDeferred() async throws -> Date? {
        try await database.read { db in
            try Date.fetchOne(db, sql: "SELECT min(not_before) FROM outbox WHERE status = 'deferred'")
        }
    }

    @discardableResult
    package func releaseDeferred(at now: Date) async throws -> Int {
        // A read first: most passes find nothing due and write nothing.
        guard let next = try await nextDeferred(), next <= now else { return 0 }
        return try await database.write { db in
            try db.execute(
                sql: "UPDATE outbox SET status = 'queued' WHERE status = 'deferred' AND not_before <= ?",
                arguments: [StoredDate.text(now)])
            return db.changesCount
        }
    }

    package func deferredActions() async throws -> [DeferredActions] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT agent, action, count(*) AS n, min(not_before) AS first, max(not_before) AS last
                    FROM outbox WHERE status = 'deferred' GROUP BY agent, action ORDER BY agent, action
                    """
            ).map { row in
                DeferredActions(
                    agent: try row.stored("agent", in: "outbox", key: nil),
                    action: try row.stored("action", in: "outbox", key: nil),
                    count: try row.stored("n", in: "outbox", key: nil),
                    first: try row.stored("first", in: "outbox", key: nil),
                    last: try row.stored("last", in: "outbox", key: nil))
            }
        }
    }
}

extension SQLiteTransaction {
    @discardableResult
    func deferAction(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date, goes: Date
    ) throws -> Bool {
        let goesText = StoredDate.text(goes)
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts,
                    created_at, not_before, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, 'deferred', 0, ?, ?, ?)
                """
        ).execute(arguments: [
            key, caseID, agent, action.rawValue, payloadJSON, StoredDate.text(at), goesText, goesText,
        ])
        guard db.changesCount == 1 else { return false }
        counts.add(RunningCountDeltas.queued(action.rawValue))
        return true
    }

    func actionWindow(of agent: String, after since: Date, limit: Int) throws -> ActionWindow {
        let times = try Date.fetchAll(
            db.cachedStatement(sql: RuntimeStore.actionHoursSQL),
            arguments: [agent, StoredDate.text(since), max(1, limit)])
        let lastDeferred = try Date.fetchOne(
            db.cachedStatement(sql: "SELECT max(not_before) FROM outbox WHERE agent = ? AND not_before IS NOT NULL"),
            arguments: [agent])
        return ActionWindow(times: times, lastDeferred: lastDeferred)
    }

    /// Counted first, over the same index: under a high limit an hour holds thousands of times,
    /// which were a fifth of a commit's time to read.
    func actionWindow(of agent: String, after since: Date, limit: Int, proposing: Int) throws -> ActionWindow {
        let went =
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT count(*) FROM outbox WHERE agent = ? AND coalesce(not_before, created_at) > ?"),
                arguments: [agent, StoredDate.text(since)]) ?? 0
        guard went + max(0, proposing) < limit else { return try actionWindow(of: agent, after: since, limit: limit) }
        let lastDeferred = try Date.fetchOne(
            db.cachedStatement(sql: "SELECT max(not_before) FROM outbox WHERE agent = ? AND not_before IS NOT NULL"),
            arguments: [agent])
        return ActionWindow(times: [], lastDeferred: lastDeferred)
    }
}
