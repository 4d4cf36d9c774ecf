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
/// failed, an outbox item it recorded. Audit lines are held and written at commit in one
/// statement (``AuditBuffer``). After ``holdWrites()`` the engine's writes are held too
/// (``HeldWrites``) and sent in one statement before a read that needs them and at commit, so a
/// commit of many leads is a few round trips rather than about eight a lead.
final class PostgresTransaction: RuntimeTransaction {
    private let connection: PostgresConnection
    private let logger: Logger
    private let timeout: TimeAmount
    /// The worker this store is (``PostgresStore/worker``): whose leases the commit gives back.
    private let worker: String
    private var savepoints = 0
    /// Events this transaction finished or counted a failure on: their cases' leases go at commit.
    private var settled: [Int64] = []
    /// Audit lines written at commit, in one statement.
    private var audits = AuditBuffer()
    /// Whether the engine's writes are held (``holdWrites()``), and those held so far.
    private var holding = false
    private var held = HeldWrites()
    /// Event ids taken from the table's sequence for emitted events held, not used yet.
    private var freeEventIDs: ArraySlice<Int64> = []
    /// Statements sent in order with the next statement, in the same hop of the event loop: those
    /// that cannot fail but with the connection (BEGIN, a setting of the transaction), and writes
    /// whose answer nothing reads outside a savepoint (inside one, a refusal must come from the
    /// write's own call, so that the savepoint rolls it back).
    private var pending: [Statement] = []
    /// Whether ``runCommitting(_:)`` ended the transaction: statements after it run each on its own.
    private var finished = false
    /// Action windows read ahead by ``foresee(_:)``, by agent, with the start and limit they were
    /// read for; forgotten when writes held are sent (those may be the agent's actions).
    /// `proposing` is nil for a window read whole, else the most placements that a window counted
    /// (read without its times) answers for.
    private var foreseenWindows: [String: (since: Date, limit: Int, proposing: Int?, window: ActionWindow)] = [:]

    /// Emails stored per case, read at once for every case this worker leases (while writes are
    /// held, for the first-contact rule); forgotten when held writes are sent.
    private var emailsStored: [String: Int]?

    init(connection: PostgresConnection, logger: Logger, timeout: TimeAmount, worker: String) {
        self.connection = connection
        self.logger = logger
        self.timeout = timeout
        self.worker = worker
    }

    /// Runs `query` (after the statements pending) and returns its rows and count.
    @discardableResult
    func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
        let statements = pending + [Statement(query)]
        pending = []
        guard let result = try runAll(statements).last else { throw MissingRow(table: "answer", id: nil) }
        return result
    }

    /// Runs `queries` (after the statements pending) in one hop of the event loop, each after the
    /// one before answered; their answers, in order.
    private func run(all queries: [PostgresQuery]) throws -> [PostgresQueryResult] {
        let count = pending.count
        let statements = pending + queries.map { Statement($0) }
        pending = []
        return Array(try runAll(statements).dropFirst(count))
    }

    /// Runs `queries` and commits, in one hop of the event loop: the reads that open a step or a
    /// dispatch, which then need no second trip for their COMMIT. Their answers, in order. What the
    /// transaction held is written before the COMMIT, as ``commit()`` would; a statement after it
    /// runs on its own, committed as it runs.
    func runCommitting(_ queries: [PostgresQuery]) throws -> [PostgresQueryResult] {
        let count = pending.count
        let statements = pending + queries.map { Statement($0) } + ending()
        pending = []
        let answers = try answered { try runAll(statements) }
        finished = true
        return Array(answers.dropFirst(count).prefix(queries.count))
    }

    /// Sends `query` (BEGIN, a `SET LOCAL`) with the next statement.
    func pipeline(_ query: PostgresQuery) {
        pending.append(Statement(query))
    }

    /// Rolls the transaction back, forgetting the statements pending.
    func rollback() throws {
        pending = []
        guard !finished else { return }
        try run("ROLLBACK")
    }

    /// Sends a write whose answer nothing reads, with the next statement (in the same hop) when no
    /// savepoint is open: a refusal then fails the transaction whole, as the write's own would have.
    /// Inside a savepoint it is sent at once, so that its refusal is the savepoint's.
    private func write(_ query: PostgresQuery) throws {
        if savepoints == 0 {
            pending.append(Statement(query))
        } else {
            try run(query)
        }
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

    /// Writes what is held (the engine's writes, the audit lines), gives back the leases this
    /// transaction's work settles and commits, all sent at once and waited for once.
    func commit() throws {
        guard !finished else { return }
        let all = pending + ending()
        pending = []
        try answered { _ = try runAll(all) }
    }

    /// What a commit sends: the writes and audit lines held, the leases its work settled given
    /// back, and COMMIT.
    private func ending() -> [Statement] {
        var statements: [Statement] = []
        if !held.isEmpty {
            let writes = held
            statements.append(Statement(writes.statement, check: writes.check))
        }
        if let insert = audits.insert { statements.append(Statement(insert)) }
        if !settled.isEmpty {
            statements.append(
                Statement(
                    """
                    DELETE FROM case_lease WHERE worker = \(worker)
                    AND case_id IN (SELECT case_id FROM event WHERE id = ANY(\(settled)))
                    """))
        }
        // The server answers COMMIT with ROLLBACK when the transaction had failed: never kept silently.
        statements.append(
            Statement("COMMIT") { answer in
                guard answer.metadata.command == "COMMIT" else { throw RolledBack(command: answer.metadata.command) }
            })
        return statements
    }

    /// A statement sent with others, and what its answer must be for the next to be sent.
    private struct Statement: Sendable {
        let query: PostgresQuery
        let check: @Sendable (PostgresQueryResult) throws -> Void
        init(_ query: PostgresQuery, check: @escaping @Sendable (PostgresQueryResult) throws -> Void = { _ in }) {
            self.query = query
            self.check = check
        }
    }

    /// Runs `statements` one after the other on the connection's event loop, each after the one
    /// before answered and passed its check, and waits once for all; their answers, in order.
    private func runAll(_ statements: [Statement]) throws -> [PostgresQueryResult] {
        let (connection, logger) = (connection, logger)
        return try connection.eventLoop.wait(timeout: timeout) {
            var done = connection.eventLoop.makeSucceededFuture([PostgresQueryResult]())
            for statement in statements {
                done = done.flatMap { answers in
                    connection.query(statement.query, logger: logger).flatMapThrowing { result in
                        try statement.check(result)
                        return answers + [result]
                    }
                }
            }
            return done
        }
    }

    /// `body`'s value; when writes are held, a refusal (of one of them, answered ahead as written)
    /// becomes ``WriteCaseByCase``.
    private func answered<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PSQLError where holding && PostgresStore.refuses(error) {
            throw WriteCaseByCase()
        }
    }

    func holdWrites() {
        holding = savepoints == 0
    }

    /// Sends the engine's writes held so far (before a write or read that is not held).
    private func sendHeld() throws {
        guard !held.isEmpty else { return }
        let writes = held
        held = HeldWrites()
        emailsStored = nil
        foreseenWindows = [:]
        try answered { try writes.check(try run(writes.statement)) }
    }

    /// Whether a write is held rather than sent: after ``holdWrites()``, outside a savepoint.
    private var holds: Bool { holding && savepoints == 0 }

    /// The id for an emitted event held: from a block taken from the event table's sequence, a
    /// bigger block each time one runs out (ids left over at the end are skipped, as a rolled-back
    /// insert skips its id).
    private func nextEventID() throws -> Int64 {
        if freeEventIDs.isEmpty {
            try takeEventIDs(try run(Self.eventIDs(min(1_024, max(64, 2 * (held.eventCount))))))
        }
        guard let id = freeEventIDs.popFirst() else { throw MissingRow(table: "event", id: nil) }
        return id
    }

    /// `count` ids from the event table's sequence.
    private static func eventIDs(_ count: Int) -> PostgresQuery {
        "SELECT nextval(pg_get_serial_sequence('event', 'id')) FROM generate_series(1, \(Int64(count)))"
    }

    private func takeEventIDs(_ answer: PostgresQueryResult) throws {
        freeEventIDs = ArraySlice(try answer.map { try $0.decode(Int64.self) }.sorted())
    }

    /// Reads in one hop what `forecast` says the commit will ask: the action windows, the emails
    /// stored on the cases this worker leases, a block of event ids. Only while writes are held
    /// (none is yet): each answer is then what the question asked later would read, or is read
    /// again (a window asked for another start, or after the agent's actions were sent).
    func foresee(_ forecast: () -> CommitForecast) throws {
        guard holds, held.isEmpty else { return }
        let forecast = forecast()
        var queries: [PostgresQuery] = []
        if !forecast.windows.isEmpty {
            let windows = forecast.windows
            // Counted first (as the SQLite store does): the times only when the ones that went and
            // those proposed reach the limit (-1: the window is wanted whole).
            queries.append(
                """
                SELECT a.agent, CASE WHEN a.proposing >= 0 AND (SELECT count(*) FROM outbox o
                    WHERE o.agent = a.agent AND coalesce(o.not_before, o.created_at) > a.since) + a.proposing < a.most
                THEN NULL ELSE ARRAY(
                    SELECT coalesce(o.not_before, o.created_at) FROM outbox o
                    WHERE o.agent = a.agent AND coalesce(o.not_before, o.created_at) > a.since
                    ORDER BY coalesce(o.not_before, o.created_at) DESC LIMIT greatest(1, a.most)) END,
                (SELECT max(o.not_before) FROM outbox o WHERE o.agent = a.agent AND o.not_before IS NOT NULL)
                FROM unnest(\(windows.map(\.agent)), \(windows.map { StoredTime.rounded($0.since) }),
                    \(windows.map { Int64($0.limit) }), \(windows.map { Int64($0.proposing ?? -1) }))
                    AS a (agent, since, most, proposing)
                """)
        }
        let emails = forecast.emails && emailsStored == nil
        if emails { queries.append(emailsStoredQuery) }
        let events = forecast.events > 0 && freeEventIDs.isEmpty
        if events { queries.append(Self.eventIDs(min(1_024, max(64, 2 * forecast.events)))) }
        guard !queries.isEmpty else { return }
        var answers = try run(all: queries)[...]
        if !forecast.windows.isEmpty, let answer = answers.popFirst() {
            for row in answer {
                let (agent, times, lastDeferred) = try row.decode((String, [Date]?, Date?).self)
                guard let window = forecast.windows.first(where: { $0.agent == agent }) else { continue }
                foreseenWindows[agent] = (
                    window.since, window.limit, times == nil ? window.proposing : nil,
                    ActionWindow(times: times ?? [], lastDeferred: lastDeferred)
                )
            }
        }
        if emails, let answer = answers.popFirst() { try takeEmailsStored(answer) }
        if events, let answer = answers.popFirst() { try takeEventIDs(answer) }
    }

    /// Inserts the audit lines held so far, in order.
    private func writeHeldAudits() throws {
        guard let insert = audits.insert else { return }
        try run(insert)
        audits = AuditBuffer()
    }

    func atomically(_ body: () throws -> Void) throws {
        // A write sent ahead and refused fails the transaction, not the savepoint begun after it.
        if !pending.isEmpty {
            do { _ = try run(all: []) } catch { throw RefusedAhead(error: error) }
        }
        savepoints += 1
        defer { savepoints -= 1 }
        let name = "baton_\(savepoints)"
        // The lines and writes held before the savepoint are written before it, so that rolling it
        // back forgets exactly those held inside it.
        try sendHeld()
        try writeHeldAudits()
        try run(PostgresQuery(unsafeSQL: "SAVEPOINT \(name)"))
        let settledBefore = settled.count
        do {
            try body()
            try run(PostgresQuery(unsafeSQL: "RELEASE SAVEPOINT \(name)"))
        } catch {
            try run(PostgresQuery(unsafeSQL: "ROLLBACK TO SAVEPOINT \(name)"))
            settled.removeLast(settled.count - settledBefore)
            audits = AuditBuffer()
            throw error
        }
    }

    // MARK: Events

    func finishEvent(_ id: Int64, as status: EventRecord.Status) throws -> Bool {
        if holds {
            let held = held.finish(id, as: status)
            if held { settled.append(id) }
            return held
        }
        try sendHeld()
        let changed = try changedOne(
            "UPDATE event SET status = \(status.rawValue) WHERE id = \(id) AND status = 'pending'")
        if changed { settled.append(id) }
        return changed
    }

    func insertEvent(_ event: EmittedEventRow) throws -> Int64 {
        if holds {
            let id = try nextEventID()
            held.insert(event, id: id)
            return id
        }
        try sendHeld()
        return try integer(
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
        try sendHeld()
        let changed = try changedOne(
            """
            UPDATE event SET status = \(status.rawValue), attempts = \(attempts), last_error = \(error),
                dead_at = \(deadAt.map(StoredTime.rounded)) WHERE id = \(id) AND status = \(waiting.rawValue)
            """)
        if changed { settled.append(id) }
        return changed
    }

    // MARK: Case context

    func writeContext(caseID: String, contextJSON: String, version: Int, expected: Int) throws -> Bool {
        if holds && !held.holdsContext(of: caseID) {
            held.writeContext(caseID: caseID, contextJSON: contextJSON, version: version, expected: expected)
            return true
        }
        try sendHeld()
        return try changedOne(
            """
            INSERT INTO case_context (case_id, context_json, version) VALUES (\(caseID), \(contextJSON), \(version))
            ON CONFLICT (case_id) DO UPDATE SET context_json = excluded.context_json, version = excluded.version
            WHERE case_context.version = \(expected)
            """)
    }

    // MARK: Outbox

    @discardableResult
    func queueAction(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date
    ) throws -> Bool {
        if holds {
            return held.queue(
                key: key, caseID: caseID, agent: agent, action: action, payloadJSON: payloadJSON, at: at, goes: nil)
        }
        try sendHeld()
        return try changedOne(
            """
            INSERT INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at)
            VALUES (\(key), \(caseID), \(agent), \(action.rawValue), \(payloadJSON), 'queued', 0, \(StoredTime.rounded(at)))
            ON CONFLICT (idempotency_key) DO NOTHING
            """)
    }

    func updateOutboxItem(_ item: OutboxItem) throws {
        try sendHeld()
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
        try sendHeld()
        try write(
            """
            UPDATE outbox SET status = 'sent', attempts = \(attempts), sent_at = \(StoredTime.rounded(at)),
                lease_until = NULL, leased_by = NULL
            WHERE id = \(id)
            """)
    }

    /// The emails stored on the case and those held for it (the held are not on the server yet).
    /// While writes are held, the stored counts of every case this worker leases (the step's cases)
    /// are read by the first call, one query rather than one a case.
    func emailsQueued(caseID: String) throws -> Int {
        let email = ActionKind.emailSend.rawValue
        if holds && emailsStored == nil { try takeEmailsStored(try run(emailsStoredQuery)) }
        let stored: Int
        if let counted = emailsStored?[caseID] {
            stored = counted
        } else {
            stored = Int(try integer("SELECT count(*) FROM outbox WHERE case_id = \(caseID) AND action = \(email)"))
        }
        return held.emailsHeld(caseID: caseID) + stored
    }

    /// The emails stored on each case this worker leases.
    private var emailsStoredQuery: PostgresQuery {
        """
        SELECT l.case_id, (SELECT count(*) FROM outbox o WHERE o.case_id = l.case_id AND o.action = \(ActionKind.emailSend.rawValue))
        FROM case_lease l WHERE l.worker = \(worker)
        """
    }

    private func takeEmailsStored(_ answer: PostgresQueryResult) throws {
        var counts: [String: Int] = [:]
        for row in answer {
            let (leased, count) = try row.decode((String, Int64).self)
            counts[leased] = Int(count)
        }
        emailsStored = counts
    }

    @discardableResult
    func deferAction(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date, goes: Date
    ) throws -> Bool {
        if holds {
            return held.queue(
                key: key, caseID: caseID, agent: agent, action: action, payloadJSON: payloadJSON, at: at, goes: goes)
        }
        try sendHeld()
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
        if let known = foreseen(agent, since: since, limit: limit), known.proposing == nil { return known.window }
        if held.holdsAction(of: agent) { try sendHeld() }
        // One query: the times as an array, beside the latest deferred time.
        let row = try run(
            """
            SELECT ARRAY(
                SELECT coalesce(not_before, created_at) FROM outbox
                WHERE agent = \(agent) AND coalesce(not_before, created_at) > \(StoredTime.rounded(since))
                ORDER BY coalesce(not_before, created_at) DESC LIMIT \(max(1, limit))),
            (SELECT max(not_before) FROM outbox WHERE agent = \(agent) AND not_before IS NOT NULL)
            """
        ).first
        guard let (times, lastDeferred) = try row?.decode(([Date], Date?).self) else {
            throw MissingRow(table: "outbox", id: nil)
        }
        return ActionWindow(times: times, lastDeferred: lastDeferred)
    }

    /// Counted first, as the SQLite store does: while the actions that went and the `proposing`
    /// ones stay under `limit`, the window's times are not read (under a high limit an hour holds
    /// thousands of them).
    func actionWindow(of agent: String, after since: Date, limit: Int, proposing: Int) throws -> ActionWindow {
        if let known = foreseen(agent, since: since, limit: limit),
            known.proposing.map({ proposing <= $0 }) ?? true
        {
            return known.window
        }
        if held.holdsAction(of: agent) { try sendHeld() }
        let row = try run(
            """
            SELECT (SELECT count(*) FROM outbox
                WHERE agent = \(agent) AND coalesce(not_before, created_at) > \(StoredTime.rounded(since))),
            (SELECT max(not_before) FROM outbox WHERE agent = \(agent) AND not_before IS NOT NULL)
            """
        ).first
        guard let (went, lastDeferred) = try row?.decode((Int64, Date?).self) else {
            throw MissingRow(table: "outbox", id: nil)
        }
        guard went + Int64(max(0, proposing)) < Int64(limit) else {
            return try actionWindow(of: agent, after: since, limit: limit)
        }
        return ActionWindow(times: [], lastDeferred: lastDeferred)
    }

    /// The window of `agent` read ahead for `since` and `limit`, taken (it answers once), unless an
    /// action of the agent is held since: the store has not counted that one yet.
    private func foreseen(_ agent: String, since: Date, limit: Int)
        -> (since: Date, limit: Int, proposing: Int?, window: ActionWindow)?
    {
        guard let known = foreseenWindows.removeValue(forKey: agent), known.since == since, known.limit == limit,
            !held.holdsAction(of: agent)
        else { return nil }
        return known
    }

    // MARK: Approvals

    func insertApproval(_ record: ApprovalRecord) throws -> Int64 {
        try sendHeld()
        return try integer(
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
        try sendHeld()
        return try run(PostgresStore.openOverrideQuery(id, caseID: caseID)).first.map { try StoredRow($0).approval() }
    }

    // MARK: The built-in CRM, ledger and calendar

    func recordLedger(key: String, vendor: String, amount: String, at: Date) throws {
        try sendHeld()
        try run(
            """
            INSERT INTO ledger (idempotency_key, vendor, amount, recorded_at)
            VALUES (\(key), \(vendor), \(amount), \(StoredTime.rounded(at))) ON CONFLICT DO NOTHING
            """)
    }

    func addBooking(_ appointment: Appointment) throws {
        try sendHeld()
        try run(
            """
            INSERT INTO calendar_busy (starts_at, ends_at, source, booking_key, title)
            VALUES (\(StoredTime.rounded(appointment.start)), \(StoredTime.rounded(appointment.end)), 'booked',
                \(appointment.key), \(appointment.title))
            ON CONFLICT DO NOTHING
            """)
    }

    func replaceExternalBusy(_ intervals: [DateInterval]) throws {
        try sendHeld()
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
        try sendHeld()
        try write(
            """
            INSERT INTO crm_lead (case_id, score, updated_at) VALUES (\(caseID), \(score), \(StoredTime.rounded(at)))
            ON CONFLICT (case_id) DO UPDATE SET score = excluded.score, updated_at = excluded.updated_at
            """)
    }

    // MARK: Audit and schedules

    func appendAudit(
        at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String, notesJSON: String?
    ) throws {
        guard !audits.hold(at: at, caseID: caseID, agent: agent, kind: kind, detail: detail, notesJSON: notesJSON)
        else { return }
        // One the server could refuse is written now, after those held (their order kept).
        try sendHeld()
        try writeHeldAudits()
        try run(
            PostgresStore.auditInsert(at: at, caseID: caseID, agent: agent, kind: kind, detail: detail, notesJSON: notesJSON))
    }

    func setLastRun(_ job: String, at: Date) throws {
        try sendHeld()
        try run(
            """
            INSERT INTO schedule_state (name, last_run) VALUES (\(job), \(StoredTime.rounded(at)))
            ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run
            """)
    }
}

/// A write sent ahead of the next statement (``PostgresTransaction``'s pending writes) was refused
/// as a savepoint began: the transaction fails whole with the write's own `error`
/// (``PostgresStore/write(_:)`` throws that), and the savepoint's caller does not take it for its own.
struct RefusedAhead: Error {
    let error: any Error
}

/// The server rolled the transaction back at COMMIT (it had failed before): nothing of it was kept.
struct RolledBack: Error, CustomStringConvertible {
    let command: String
    var description: String { "the transaction was not committed: the server answered COMMIT with \(command)" }
}

/// A row a write expected to find is not there (deleted meanwhile, or never stored).
struct MissingRow: Error, CustomStringConvertible {
    let table: String
    let id: Int64?
    var description: String { "no row \(id.map(String.init) ?? "without id") in \(table)" }
}
