import Blueprint
import Foundation

/// The runtime's store, as the engine, the dispatcher, the scheduled jobs and the reports use it:
/// short reads, and writes in one transaction (``RuntimeTransaction``); and, through the protocols it
/// refines, as the HTTP server and the operator's commands use it (``IntakeStorage``, ``ApprovalStorage``,
/// ``DashboardStorage``, ``OperatorStorage``). Two stores implement it: the SQLite store
/// (``RuntimeStore``, on a GRDB `DatabasePool`) and the PostgreSQL store (`PostgresStore`, in the
/// module of that name); the runtime runs on either unchanged.
///
/// Every method is async: a read or a write waits without blocking a thread of the cooperative
/// pool, and no connector is called while a transaction is open (the engine's skills and the
/// dispatcher's connectors run between a read and a write, never inside one).
package protocol RuntimeStorage: ApprovalStorage, BookingStorage, ClockStorage, DashboardStorage, DeferredStorage, InboxStorage, IntakeStorage, InvoiceStorage,
    LeadLedgerStorage, OperatorStorage, OutcomeStorage
{
    /// The runtime's clock (injected in tests).
    var clock: @Sendable () -> Date { get }
    /// This runtime's identity: part of every Message-ID and calendar UID it sends.
    var installID: String { get }

    /// Runs `body` in one write transaction: all of it is kept, or none when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any RuntimeTransaction) throws -> T) async throws -> T
    /// Whether `error` is the store refusing a write (a constraint, a trigger) rather than failing
    /// to write (busy, full, an I/O error): a refused write counts against the event it came from;
    /// a failed one is tried again as it is.
    func isRefusal(_ error: any Error) -> Bool
    /// Whether `error` is the store unable to write for now (full, busy, I/O): worth trying again later.
    func isUnavailable(_ error: any Error) -> Bool

    // MARK: The engine

    /// One step's snapshot: up to `limit` waiting events (ready, or delayed and due at `now`) of
    /// cases not in `excluding`, grouped by case with each case's context and version, the delayed
    /// events made moot, and the overrides they name; with the busy times when `busyTimes`.
    func readStep(limit: Int, excluding: Set<String>, busyTimes: Bool, at now: Date) async throws -> StepSnapshot
    /// Stores an event durably, once per idempotency key; returns its id.
    @discardableResult
    func submit(_ event: IntakeEvent) async throws -> Int64

    // MARK: The dispatcher

    /// Up to `limit` queued actions due at `now`, oldest first (only `lane`'s when given).
    func dueActions(limit: Int, lane: DispatchLane?, at now: Date) async throws -> [OutboxItem]
    /// Emails queued or sent on a case before outbox item `id` (whether `id` is a first contact).
    func emailsBefore(_ id: Int64, caseID: String) async throws -> Int

    // MARK: Reports, KPIs and metrics

    /// The audit lines of `[from, to)` counted by agent and kind.
    func auditCounts(from: Date, to: Date) async throws -> [AuditCount]
    /// The audit lines of `[from, to)` of the given kinds, oldest first.
    func auditLines(from: Date, to: Date, kinds: [AuditKind]) async throws -> [AuditEntry]
    /// The events dead-lettered in `[from, to)`, newest first.
    func deadLetters(from: Date, to: Date) async throws -> [EventRecord]
    /// The figures `/metrics` shows, as the store holds them at `now`.
    func metricsFacts(at now: Date) async throws -> MetricsFacts
    /// When a scheduled job last ran, if it ever did.
    func lastRun(_ job: String) async throws -> Date?
}

/// How many audit lines an agent (or the system, `nil`) wrote of one kind.
package struct AuditCount: Sendable {
    let agent: String?
    let kind: AuditKind
    let count: Int
}

/// What `/metrics` reports, read in one go: the running totals and what waits now.
package struct MetricsFacts: Sendable {
    /// The running totals kept as rows are written, by name (`events`, `actions.email.send`, …).
    package var totals: [String: Int]
    /// Events waiting: ready now, delayed, and delayed but due.
    package var ready: Int
    package var delayed: Int
    package var dueDelayed: Int
    package var dead: Int
    /// Outbox items queued or held, by action and status.
    package var waitingActions: [String: [String: Int]]
    package var approvalsPending: Int
}
