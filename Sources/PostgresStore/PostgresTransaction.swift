import Blueprint
import Foundation
import Logging
import NIOCore
import Orchestrator
import PostgresNIO

/// ``RuntimeTransaction`` on one PostgreSQL transaction, run on a transaction thread
/// (``TransactionThreads``): each method sends its query on the leased connection and waits for
/// it there, at most the store's query timeout. The SQL is the SQLite store's (SQLiteTransaction),
/// in PostgreSQL's words: `ON CONFLICT DO NOTHING` for `INSERT OR IGNORE`, `RETURNING id` for the
/// last row id, the affected-row count for `changes()`.
///
/// What the commit finishes gives back the worker's leases: a case whose events it finished or
/// failed, an outbox item it recorded.
final class PostgresTransaction: RuntimeTransaction {
    private let connection: PostgresConnection
    private let logger: Logger
    private let timeout: TimeAmount
    private var savepoints = 0
    /// Events this transaction finished or counted a failure on: their cases' leases go at commit.
    private var settled: [Int64] = []

    init(connection: PostgresConnection, logger: Logger, timeout: TimeAmount) {
        self.connection = connection
        self.logger = logger
        self.timeout = timeout
    }

    /// Runs `query` and returns its rows and count.
    @discardableResult
    func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try connection.query(query, logger: logger).wait(timeout: timeout)
    }

    /// Runs `query`; whether it changed exactly one row.
    private func changedOne(_ query: PostgresQuery) throws -> Bool {
        try run(query).metadata.rows == 1
    }

    /// The one integer `query` returns (0 when it returns no row).
    private func integer(_ query: PostgresQuery) throws -> Int64 {
        guard let row = try run(query).first else { return 0 }
        return try row.decode(Int64.self)
    }

    /// Gives back the leases this transaction's work settles (called before COMMIT).
    func releaseLeases(worker: String) throws {
        guard !settled.isEmpty else { return }
        try run(
            """
            DELETE FROM case_lease WHERE worker = \(worker)
            AND case_id IN (SELECT case_id FROM event WHERE id = ANY(\(settled)))
            """)
    }

    func atomically(_ body: () throws -> Void) throws {
        savepoints += 1
        defer { savepoints -= 1 }
        let name = "baton_\(savepoints)"
        try run(PostgresQuery(unsafeSQL: "SAVEPOINT \(name)"))
        let settledBefore = settled.count
        do {
            try body()
            try run(PostgresQuery(unsafeSQL: "RELEASE SAVEPOINT \(name)"))
        } catch {
            try run(PostgresQuery(unsafeSQL: "ROLLBACK TO SAVEPOINT \(name)"))
            settled.removeLast(settled.count - settledBefore)
            throw error
        }
    }

    // MARK: Events

    func finishEvent(_ id: Int64, as status: EventRecord.Status) throws -> Bool {
        let changed = try changedOne(
            "UPDATE event SET status = \(status.rawValue) WHERE id = \(id) AND status = 'pending'")
        if changed { settled.append(id) }
        return changed
    }

    func insertEvent(_ event: EmittedEventRow) throws -> Int64 {
        try integer(
            """
            INSERT INTO event (type, case_id, causation_id, payload_json, producer, status, created_at, due_at)
            VALUES (\(event.type), \(event.caseID), \(event.causationID), \(event.payloadJSON), \(event.producer),
                \(event.status.rawValue), \(StoredTime.rounded(event.createdAt)), \(event.dueAt.map(StoredTime.rounded)))
            RETURNING id
            """)
    }

    func recordEventFailure(
        _ id: Int64, waiting: EventRecord.Status, status: EventRecord.Status, attempts: Int, error: String,
        deadAt: Date?
    ) throws -> Bool {
        let changed = try changedOne(
            """
            UPDATE event SET status = \(status.rawValue), attempts = \(attempts), last_error = \(error),
                dead_at = \(deadAt.map(StoredTime.rounded)) WHERE id = \(id) AND status = \(waiting.rawValue)
            """)
        if changed { settled.append(id) }
        return changed
    }

    // MARK: Case context

    func writeContext(caseID: String, notes: [String: [String: String]], version: Int, expected: Int) throws -> Bool {
        try changedOne(
            """
            INSERT INTO case_context (case_id, context_json, version) VALUES (\(caseID), \(StringMapJSON.encode(notes)), \(version))
            ON CONFLICT (case_id) DO UPDATE SET context_json = excluded.context_json, version = excluded.version
            WHERE case_context.version = \(expected)
            """)
    }

    // MARK: Outbox

    @discardableResult
    func queueAction(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date
    ) throws -> Bool {
        try changedOne(
            """
            INSERT INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at)
            VALUES (\(key), \(caseID), \(agent), \(action.rawValue), \(payloadJSON), 'queued', 0, \(StoredTime.rounded(at)))
            ON CONFLICT (idempotency_key) DO NOTHING
            """)
    }

    func updateOutboxItem(_ item: OutboxItem) throws {
        guard let id = item.id else { throw MissingRow(table: "outbox", id: nil) }
        let changed = try changedOne(
            """
            UPDATE outbox SET idempotency_key = \(item.idempotencyKey), case_id = \(item.caseID), agent = \(item.agent),
                action = \(item.action.rawValue), payload_json = \(item.payloadJSON), status = \(item.status.rawValue),
                attempts = \(item.attempts), created_at = \(StoredTime.rounded(item.createdAt)),
                sent_at = \(item.sentAt.map(StoredTime.rounded)), next_attempt_at = \(item.nextAttemptAt.map(StoredTime.rounded)),
                last_error = \(item.lastError), lease_until = NULL, leased_by = NULL
            WHERE id = \(id)
            """)
        guard changed else { throw MissingRow(table: "outbox", id: id) }
    }

    func markSent(_ id: Int64, attempts: Int, at: Date) throws {
        try run(
            """
            UPDATE outbox SET status = 'sent', attempts = \(attempts), sent_at = \(StoredTime.rounded(at)),
                lease_until = NULL, leased_by = NULL
            WHERE id = \(id)
            """)
    }

    func emailsQueued(caseID: String) throws -> Int {
        Int(try integer("SELECT count(*) FROM outbox WHERE case_id = \(caseID) AND action = \(ActionKind.emailSend.rawValue)"))
    }

    @discardableResult
    func deferAction(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date, goes: Date
    ) throws -> Bool {
        let goes = StoredTime.rounded(goes)
        return try changedOne(
            """
            INSERT INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts,
                created_at, not_before, next_attempt_at)
            VALUES (\(key), \(caseID), \(agent), \(action.rawValue), \(payloadJSON), 'deferred', 0, \(StoredTime.rounded(at)),
                \(goes), \(goes))
            ON CONFLICT (idempotency_key) DO NOTHING
            """)
    }

    func actionWindow(of agent: String, after since: Date, limit: Int) throws -> ActionWindow {
        let times = try run(
            """
            SELECT coalesce(not_before, created_at) FROM outbox
            WHERE agent = \(agent) AND coalesce(not_before, created_at) > \(StoredTime.rounded(since))
            ORDER BY coalesce(not_before, created_at) DESC LIMIT \(max(1, limit))
            """
        ).map { try $0.decode(Date.self) }
        let lastDeferred = try run(
            "SELECT max(not_before) FROM outbox WHERE agent = \(agent) AND not_before IS NOT NULL"
        ).first.flatMap { try $0.decode(Date?.self) }
        return ActionWindow(times: times, lastDeferred: lastDeferred)
    }

    // MARK: Approvals

    func insertApproval(_ record: ApprovalRecord) throws -> Int64 {
        try integer(
            """
            INSERT INTO approval (case_id, agent, action, proposed_json, reason, status, created_at, approved_json,
                decision, decided_at, evidence_json, revises, reminded_at, reminded_to, escalated_at, escalated_to)
            VALUES (\(record.caseID), \(record.agent), \(record.action.rawValue), \(record.proposedJSON), \(record.reason),
                \(record.status.rawValue), \(StoredTime.rounded(record.createdAt)), \(record.approvedJSON), \(record.decision),
                \(record.decidedAt.map(StoredTime.rounded)), \(record.evidenceJSON), \(record.revises),
                \(record.remindedAt.map(StoredTime.rounded)), \(record.remindedTo),
                \(record.escalatedAt.map(StoredTime.rounded)), \(record.escalatedTo))
            RETURNING id
            """)
    }

    func openOverride(_ id: Int64, caseID: String) throws -> ApprovalRecord? {
        try run(PostgresStore.openOverrideQuery(id, caseID: caseID)).first.map { try StoredRow($0).approval() }
    }

    // MARK: The built-in CRM, ledger and calendar

    func recordLedger(key: String, vendor: String, amount: String, at: Date) throws {
        try run(
            """
            INSERT INTO ledger (idempotency_key, vendor, amount, recorded_at)
            VALUES (\(key), \(vendor), \(amount), \(StoredTime.rounded(at))) ON CONFLICT DO NOTHING
            """)
    }

    func addBooking(_ appointment: Appointment) throws {
        try run(
            """
            INSERT INTO calendar_busy (starts_at, ends_at, source, booking_key, title)
            VALUES (\(StoredTime.rounded(appointment.start)), \(StoredTime.rounded(appointment.end)), 'booked',
                \(appointment.key), \(appointment.title))
            ON CONFLICT DO NOTHING
            """)
    }

    func replaceExternalBusy(_ intervals: [DateInterval]) throws {
        try run("DELETE FROM calendar_busy WHERE source = 'external'")
        for interval in intervals {
            try run(
                """
                INSERT INTO calendar_busy (starts_at, ends_at, source)
                VALUES (\(StoredTime.rounded(interval.start)), \(StoredTime.rounded(interval.end)), 'external')
                """)
        }
    }

    func setCRMScore(caseID: String, score: Int, at: Date) throws {
        try run(
            """
            INSERT INTO crm_lead (case_id, score, updated_at) VALUES (\(caseID), \(score), \(StoredTime.rounded(at)))
            ON CONFLICT (case_id) DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at
            """)
    }

    // MARK: Audit and schedules

    func appendAudit(
        at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String, notes: [String: String]?
    ) throws {
        try run(PostgresStore.auditInsert(at: at, caseID: caseID, agent: agent, kind: kind, detail: detail, notes: notes))
    }

    func setLastRun(_ job: String, at: Date) throws {
        try run(
            """
            INSERT INTO schedule_state (name, last_run) VALUES (\(job), \(StoredTime.rounded(at)))
            ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run
            """)
    }
}

/// A row a write expected to find is not there (deleted meanwhile, or never stored).
struct MissingRow: Error, CustomStringConvertible {
    let table: String
    let id: Int64?
    var description: String { "no row \(id.map(String.init) ?? "without id") in \(table)" }
}
