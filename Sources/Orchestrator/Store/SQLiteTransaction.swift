import Blueprint
import Foundation
import GRDB

/// ``RuntimeTransaction`` on one GRDB write transaction: the runtime's writes as SQL, the hottest
/// ones through cached statements bound by the C API (``HotStatement``); dates bound as the text
/// GRDB itself stores (``StoredDate``), without its `DateFormatter`.
struct SQLiteTransaction: RuntimeTransaction {
    let db: Database
    /// The emitted events and queued actions counted so far, written by ``within(_:_:)``.
    let counts = RunningCountDeltas()
    /// The hot statements and the time's text, found once in the transaction.
    let cache = TransactionCache()

    /// Runs `body` on a transaction over `db`, then writes the running counts it added to.
    static func within<T>(_ db: Database, _ body: (SQLiteTransaction) throws -> T) throws -> T {
        let tx = SQLiteTransaction(db: db)
        let result = try body(tx)
        try tx.counts.write(db)
        return result
    }

    func atomically(_ body: () throws -> Void) throws {
        let counted = counts.pending
        do {
            try db.inSavepoint {
                try body()
                return .commit
            }
        } catch {
            counts.pending = counted
            throw error
        }
    }

    func finishEvent(_ id: Int64, as status: EventRecord.Status) throws -> Bool {
        try HotStatement.execute(
            cache.statement("UPDATE event SET status = ? WHERE id = ? AND status = 'pending'", in: db),
            [.text(status.rawValue), .integer(id)])
        guard db.changesCount == 1 else { return false }
        if status == .cancelled { counts.add(RunningCountDeltas.cancelled) }
        return true
    }

    func insertEvent(_ event: EmittedEventRow) throws -> Int64 {
        try HotStatement.execute(
            cache.statement(
                """
                INSERT INTO event (type, case_id, causation_id, payload_json, producer, status, created_at, due_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, in: db),
            [
                .text(event.type), .text(event.caseID), .integer(event.causationID), .text(event.payloadJSON),
                .text(event.producer), .text(event.status.rawValue), .text(cache.text(event.createdAt)),
                HotValue(event.dueAt.map(StoredDate.text)),
            ])
        counts.add(RunningCountDeltas.events)
        return db.lastInsertedRowID
    }

    func recordEventFailure(
        _ id: Int64, waiting: EventRecord.Status, status: EventRecord.Status, attempts: Int, error: String,
        deadAt: Date?
    ) throws -> Bool {
        try db.execute(
            sql: "UPDATE event SET status = ?, attempts = ?, last_error = ?, dead_at = ? WHERE id = ? AND status = ?",
            arguments: [status.rawValue, attempts, error, deadAt.map(StoredDate.text), id, waiting.rawValue])
        return db.changesCount == 1
    }

    func writeContext(caseID: String, contextJSON: String, version: Int, expected: Int) throws -> Bool {
        try cache.statement(
            """
            INSERT INTO case_context (case_id, context_json, version) VALUES (?, ?, ?)
            ON CONFLICT (case_id) DO UPDATE SET context_json = excluded.context_json, version = excluded.version
            WHERE case_context.version = ?
            """, in: db
        ).execute(arguments: [caseID, contextJSON, version, expected])
        return db.changesCount == 1
    }

    @discardableResult
    func queueAction(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date
    ) throws -> Bool {
        let queued = try RuntimeStore.queueAction(
            cache.statement(RuntimeStore.actionInsert, in: db), db, key: key, caseID: caseID, agent: agent,
            action: action, payloadJSON: payloadJSON, stamp: cache.text(at))
        if queued { counts.add(RunningCountDeltas.queued(action.rawValue)) }
        return queued
    }

    func updateOutboxItem(_ item: OutboxItem) throws { try item.update(db) }

    func markSent(_ id: Int64, attempts: Int, at: Date) throws {
        try db.cachedStatement(sql: "UPDATE outbox SET status = 'sent', attempts = ?, sent_at = ? WHERE id = ?")
            .execute(arguments: [attempts, StoredDate.text(at), id])
    }

    func emailsQueued(caseID: String) throws -> Int {
        try Int.fetchOne(
            cache.statement("SELECT count(*) FROM outbox WHERE case_id = ? AND action = ?", in: db),
            arguments: [caseID, ActionKind.emailSend]) ?? 0
    }

    func insertApproval(_ record: ApprovalRecord) throws -> Int64 {
        try record.insert(db)
        return db.lastInsertedRowID
    }

    func openOverride(_ id: Int64, caseID: String) throws -> ApprovalRecord? {
        try RuntimeStore.openOverride(id, caseID: caseID, db)
    }

    func recordLedger(key: String, vendor: String, amount: String, at: Date) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO ledger (idempotency_key, vendor, amount, recorded_at) VALUES (?, ?, ?, ?)",
            arguments: [key, vendor, amount, StoredDate.text(at)])
    }

    func addBooking(_ appointment: Appointment) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO calendar_busy (starts_at, ends_at, source, booking_key, title)
                VALUES (?, ?, 'booked', ?, ?)
                """,
            arguments: [
                StoredDate.text(appointment.start), StoredDate.text(appointment.end), appointment.key,
                appointment.title,
            ])
    }

    func replaceExternalBusy(_ intervals: [DateInterval]) throws {
        try db.execute(sql: "DELETE FROM calendar_busy WHERE source = 'external'")
        for interval in intervals {
            try db.execute(
                sql: "INSERT INTO calendar_busy (starts_at, ends_at, source) VALUES (?, ?, 'external')",
                arguments: [StoredDate.text(interval.start), StoredDate.text(interval.end)])
        }
    }

    func setCRMScore(caseID: String, score: Int, at: Date) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO crm_lead (case_id, score, updated_at) VALUES (?, ?, ?)",
            arguments: [caseID, score, StoredDate.text(at)])
    }

    func appendAudit(
        at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String, notesJSON: String?
    ) throws {
        try RuntimeStore.appendAudit(
            cache.statement(RuntimeStore.auditInsert, in: db), stamp: cache.text(at), caseID: caseID, agent: agent,
            kind: kind, detail: detail, notesJSON: notesJSON)
    }

    func setLastRun(_ job: String, at: Date) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO schedule_state (name, last_run) VALUES (?, ?)",
            arguments: [job, StoredDate.text(at)])
    }
}
