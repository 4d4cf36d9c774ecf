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

    /// Writes a case's context as `version`, only over `expected` (the version the step read); false
    /// when the context moved on meanwhile.
    func writeContext(caseID: String, notes: [String: [String: String]], version: Int, expected: Int) throws -> Bool

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

    /// Appends a line to a case's audit log.
    func appendAudit(
        at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String, notes: [String: String]?
    ) throws
    /// Remembers when a scheduled job last ran.
    func setLastRun(_ job: String, at: Date) throws
}

extension RuntimeTransaction {
    /// Appends a line without notes.
    package func appendAudit(at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String) throws {
        try appendAudit(at: at, caseID: caseID, agent: agent, kind: kind, detail: detail, notes: nil)
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
