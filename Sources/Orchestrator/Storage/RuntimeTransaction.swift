import Blueprint
import Foundation

/// The writes of the runtime, inside one transaction of its store (``RuntimeStorage/transaction(_:)``):
/// what the engine's commit, the dispatcher's record and the daily-report job do, in the runtime's
/// words rather than in SQL. Each store implements it once (SQLite today, ``SQLiteTransaction``);
/// the runtime's rules (the gate, retries, dead letters, audit lines) stay above it.
///
/// Methods that report whether a row changed let the caller detect a conflict: a conditional write
/// that changed nothing means another writer got there first.
package protocol RuntimeTransaction {
    /// Lets the store hold the writes that follow and send them together, answering each ahead as
    /// it would be answered if sent alone; when an answer turns out otherwise once sent (a waiting
    /// event no longer waiting, a key queued before, a context that moved on, a write refused), the
    /// transaction fails with ``WriteCaseByCase``, at the latest when it commits. Writes inside
    /// ``atomically(_:)`` are answered as they are sent. A store may ignore it (SQLite does).
    func holdWrites()
    /// Tells the store what the commit will ask (``CommitForecast``, worked out only if the store
    /// calls `forecast`) before it asks, so that a store answering from a server reads it all at
    /// once. A store may ignore it (SQLite does).
    func foresee(_ forecast: () -> CommitForecast) throws

    /// Runs `body` all or nothing inside the transaction (a savepoint): when it throws, none of its
    /// writes are kept and the error is rethrown.
    func atomically(_ body: () throws -> Void) throws

    // MARK: Events

    /// Marks a waiting event `status`; false when it was no longer waiting.
    func finishEvent(_ id: Int64, as status: EventRecord.Status) throws -> Bool
    /// Stores an event an agent emitted; returns its id.
    func insertEvent(_ event: EmittedEventRow) throws -> Int64
    /// Counts a failed try on an event that is `waiting` (its status when read); false when it is no
    /// longer in that status.
    func recordEventFailure(
        _ id: Int64, waiting: EventRecord.Status, status: EventRecord.Status, attempts: Int, error: String,
        deadAt: Date?
    ) throws -> Bool

    // MARK: Case context

    /// Writes a case's context (its notes as ``StringMapJSON`` text) as `version`, only over
    /// `expected` (the version the step read); false when the context moved on meanwhile.
    func writeContext(caseID: String, contextJSON: String, version: Int, expected: Int) throws -> Bool

    // MARK: Outbox

    /// Queues an action once per idempotency key; false when the key was queued before.
    @discardableResult
    func queueAction(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date
    ) throws -> Bool
    /// Writes back an outbox item's status, attempts, error and next attempt.
    func updateOutboxItem(_ item: OutboxItem) throws
    /// Records an item as sent at `at` after `attempts` attempts.
    func markSent(_ id: Int64, attempts: Int, at: Date) throws
    /// Emails queued on a case so far.
    func emailsQueued(caseID: String) throws -> Int
    /// Queues an action that goes at `goes` (its agent is over `limits.actions_per_hour`): `deferred`
    /// until then, once per idempotency key; false when the key was queued before.
    @discardableResult
    func deferAction(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date, goes: Date
    ) throws -> Bool
    /// When an agent's latest actions go (at most `limit` of them, those after `since`), and the
    /// latest time one of its deferred actions goes.
    func actionWindow(of agent: String, after since: Date, limit: Int) throws -> ActionWindow
    /// ``actionWindow(of:after:limit:)`` for a writer that will place at most `proposing` actions
    /// in it: when those and the ones that went stay under `limit`, no placement looks at a time, so
    /// a store may count the times rather than read them and return a window without them.
    func actionWindow(of agent: String, after since: Date, limit: Int, proposing: Int) throws -> ActionWindow

    // MARK: Approvals

    /// Stores an approval; returns its id.
    func insertApproval(_ record: ApprovalRecord) throws -> Int64
    /// The approval `id` if it is an override of `caseID` that no revision answers yet.
    func openOverride(_ id: Int64, caseID: String) throws -> ApprovalRecord?

    // MARK: The built-in CRM, ledger and calendar

    /// Records a transaction in the ledger, once per idempotency key.
    func recordLedger(key: String, vendor: String, amount: String, at: Date) throws
    /// Marks a booked meeting busy in the built-in calendar, once per booking key.
    func addBooking(_ appointment: Appointment) throws
    /// Replaces the busy times read from the outside calendar with `intervals`.
    func replaceExternalBusy(_ intervals: [DateInterval]) throws
    /// Sets a lead's score in the built-in CRM.
    func setCRMScore(caseID: String, score: Int, at: Date) throws

    // MARK: Audit and schedules

    /// Appends a line to a case's audit log, with the agent's notes as ``StringMapJSON`` text.
    func appendAudit(
        at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String, notesJSON: String?
    ) throws
    /// Remembers when a scheduled job last ran.
    func setLastRun(_ job: String, at: Date) throws
}

extension RuntimeTransaction {
    /// Reads the window whole.
    package func actionWindow(of agent: String, after since: Date, limit: Int, proposing: Int) throws -> ActionWindow {
        try actionWindow(of: agent, after: since, limit: limit)
    }

    /// Holds nothing: each write is sent and answered at once.
    package func holdWrites() {}

    /// Reads each answer when it is asked for.
    package func foresee(_ forecast: () -> CommitForecast) throws {}

    /// Appends a line without notes.
    package func appendAudit(at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String) throws {
        try appendAudit(at: at, caseID: caseID, agent: agent, kind: kind, detail: detail, notesJSON: nil)
    }
}

/// An event an agent emitted, as the commit stores it.
package struct EmittedEventRow: Sendable {
    package let type: String
    package let caseID: String
    package let causationID: Int64
    package let payloadJSON: String
    package let producer: String
    package let status: EventRecord.Status
    package let createdAt: Date
    package let dueAt: Date?
}

/// A transaction whose held writes (``RuntimeTransaction/holdWrites()``) were not all answered
/// rightly ahead: nothing of it is kept, and its writer writes it again with each write answered as
/// it is sent (the engine: case by case).
package struct WriteCaseByCase: Error, CustomStringConvertible {
    package init() {}
    package var description: String { "a write held in the transaction was answered wrongly ahead; written again case by case" }
}
