import Blueprint
import Foundation
import GRDB

/// The SQLite store as the runtime's ``RuntimeStorage``: GRDB's async reads and writes on the WAL
/// `DatabasePool` (a read never waits for the writer).
extension RuntimeStore: RuntimeStorage {
    package func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any RuntimeTransaction) throws -> T
    ) async throws -> T {
        try await database.writeWithoutTransaction { db in
            try writerTime.measure {
                // Set when the body returns; the transaction commits only then.
                var result: Result<T, any Error> = .failure(CancellationError())
                try db.inTransaction {
                    result = .success(try SQLiteTransaction.within(db) { try body($0) })
                    return .commit
                }
                return try result.get()
            }
        }
    }

    /// A constraint or a trigger refused the write; busy, full, I/O, memory and read-only are
    /// failures of the store, not of the write.
    package func isRefusal(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return ![
            .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_NOMEM, .SQLITE_READONLY,
            .SQLITE_CANTOPEN,
        ].contains(error.resultCode)
    }

    @discardableResult
    package func submit(_ event: IntakeEvent) async throws -> Int64 {
        try await store(group: [event])[0].get().id
    }

    /// The queued actions due now, each decoded on its own: one whose stored row does not read is
    /// marked dead (`stored data could not be read: …`, a `dead` audit line) in a short write, and
    /// the others are returned, so a bad row never keeps its lane from moving.
    package func dueActions(limit: Int, lane: DispatchLane?, at now: Date) async throws -> [OutboxItem] {
        let rows = try await database.read { db in
            var due = OutboxItem.filter(Column("status") == OutboxItem.Status.queued.rawValue)
                .filter(Column("next_attempt_at") == nil || Column("next_attempt_at") <= StoredDate.text(now))
            if let lane {
                due =
                    switch lane {
                    case .email, .calendar: due.filter(lane.kinds.contains(Column("action")))
                    case .other: due.filter(!DispatchLane.laneKinds.contains(Column("action")))
                    }
            }
            return try Row.fetchAll(db, due.order(Column("id")).limit(limit))
        }
        var items: [OutboxItem] = []
        var unreadable: [(id: Int64, caseID: String, reason: String)] = []
        for row in rows {
            do {
                items.append(try OutboxItem.readable(row))
            } catch {
                guard let id = try? row.decode(Int64.self, forColumn: "id") else { continue }
                unreadable.append((id, row.storedText("case_id") ?? "unknown", "\(error)"))
            }
        }
        guard !unreadable.isEmpty else { return items }
        try await database.write { [unreadable] db in
            for bad in unreadable {
                let message =
                    bad.reason.hasPrefix("stored data could not be read")
                    ? bad.reason
                    : "stored data could not be read: outbox #\(bad.id): \(bad.reason)"
                try db.execute(
                    sql: "UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ? AND status = 'queued'",
                    arguments: [message, bad.id])
                guard db.changesCount == 1 else { continue }
                try Self.appendAudit(
                    db, at: now, caseID: bad.caseID, agent: nil, kind: .dead,
                    detail: "action #\(bad.id) dead-lettered: \(message) (fix or delete the row in outbox)")
            }
        }
        return items
    }

    package func emailsBefore(_ id: Int64, caseID: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT count(*) FROM outbox WHERE case_id = ? AND action = ? AND id < ?
                    AND status IN ('queued', 'sent')
                    """, arguments: [caseID, ActionKind.emailSend, id]) ?? 0
        }
    }

    package func auditCounts(from: Date, to: Date) async throws -> [AuditCount] {
        // Through `audit_at`: the cost is the period's lines.
        try await database.read { db in
            try Row.fetchAll(
                db, sql: Self.auditCountSQL, arguments: [from, to]
            ).map {
                AuditCount(
                    agent: try $0.stored("agent", in: "audit", key: nil),
                    kind: try $0.stored("kind", in: "audit", key: nil),
                    count: try $0.stored("n", in: "audit", key: nil))
            }
        }
    }

    /// The audit lines of `[?, ?)` counted by agent and kind.
    static let auditCountSQL =
        "SELECT agent, kind, count(*) AS n FROM audit WHERE at >= ? AND at < ? GROUP BY agent, kind"

    package func auditLines(from: Date, to: Date, kinds: [AuditKind]) async throws -> [AuditEntry] {
        try await database.read { db in
            try AuditEntry.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit WHERE at >= ? AND at < ? AND kind IN (\(databaseQuestionMarks(count: kinds.count)))
                    ORDER BY id
                    """, arguments: StatementArguments([from, to]) + StatementArguments(kinds))
        }
    }

    package func deadLetters(from: Date, to: Date) async throws -> [EventRecord] {
        try await database.read { try Self.deadEvents($0, from: from, to: to) }
    }

    package func metricsFacts(at now: Date) async throws -> MetricsFacts {
        // Totals from the running counts (kept by triggers as rows are written); what waits now from
        // the partial indexes that hold only waiting rows. Nothing here reads the history.
        try await database.read { db in
            func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
                try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
            var waiting: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT action, status, count(*) AS n FROM outbox WHERE status IN ('queued', 'held') GROUP BY action, status"
            ) {
                let action: String = try row.stored("action", in: "outbox", key: nil)
                waiting[action, default: [:]][try row.stored("status", in: "outbox", key: nil)] = try row.stored(
                    "n", in: "outbox", key: nil)
            }
            return MetricsFacts(
                totals: try Self.runningCounts(db),
                ready: try count("SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NULL"),
                delayed: try count("SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NOT NULL"),
                dueDelayed: try count(
                    "SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NOT NULL AND due_at <= ?",
                    [StoredDate.text(now)]),
                dead: try count("SELECT count(*) FROM event WHERE status = 'dead'"),
                waitingActions: waiting,
                approvalsPending: try count("SELECT count(*) FROM approval WHERE status = 'pending'"))
        }
    }

    /// Whether an event is ready to run now: one look at the partial index that holds only those
    /// (``metricsFacts(at:)`` counts them all), for a caller waiting for the engine to run dry.
    package func hasReadyEvents() async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM event WHERE status = 'pending' AND due_at IS NULL)") ?? false
        }
    }

    package func lastRun(_ job: String) async throws -> Date? {
        try await database.read {
            try Date.fetchOne($0, sql: "SELECT last_run FROM schedule_state WHERE name = ?", arguments: [job])
        }
    }
}
