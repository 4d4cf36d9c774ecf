import Foundation
import Orchestrator
import PostgresNIO
import Synchronization

/// The engine's step read, for several workers on one database: the waiting events are taken
/// `FOR UPDATE SKIP LOCKED` (two workers reading at once never take the same event), and each case
/// they belong to is leased to this worker (`case_lease`, until the lease runs out). A case leased
/// by another worker is left alone, so one case is worked by one worker at a time, its events in
/// order; the commit that finishes them gives the lease back. A worker that dies holds its cases
/// only until their leases run out; its uncommitted work rolled back with its connection, so
/// another worker takes the events as they were. Lease times are the server's clock, not the
/// runtime's (which tests fix). The read's commit does not wait for the disk (it holds nothing a
/// crash of the server must keep).
extension PostgresStore {
    package func readStep(limit: Int, excluding: Set<String>, busyTimes: Bool, at now: Date) async throws
        -> StepSnapshot
    {
        let (worker, lease) = (worker, Double(limits.caseLease.components.seconds))
        return try await write { tx in
            // What this transaction writes need not wait for the disk: a lease lost with a crash of
            // the server only frees its case sooner (the commit checks each event is still waiting
            // and each context's version).
            tx.pipeline("SET LOCAL synchronous_commit = off")
            // The claim, the busy times and the COMMIT in one hop; what little may follow (a delayed
            // event's check, an override's approval, a dead letter) runs after, on cases this worker
            // now leases.
            let claim = Self.claimQuery(
                limit: limit, excluding: excluding, now: now, worker: worker, leaseSeconds: lease)
            let answers = try tx.runCommitting(
                busyTimes ? [claim, "SELECT id, starts_at, ends_at FROM calendar_busy WHERE ends_at > \(now)"] : [claim])
            let (events, contexts) = try Self.claimed(answers[0])
            var unreadable: [(id: Int64, caseID: String, reason: String)] = []
            var order: [String] = []
            var byCase: [String: ReadCase] = [:]
            var unreadableCases: [String: String] = [:]
            for waiting in events {
                let event: EventRecord
                switch waiting {
                case .success(let read): event = read
                case .failure(let bad):
                    unreadable.append((bad.id, bad.caseID, bad.column.description))
                    continue
                }
                guard let id = event.id else { continue }
                if let why = unreadableCases[event.caseID] {
                    unreadable.append((id, event.caseID, why))
                    continue
                }
                if byCase[event.caseID] == nil {
                    guard let (notes, version) = contexts[event.caseID] ?? ([:], 0) else {
                        let why = "the case's context_json is not a JSON object of agents' notes"
                        unreadableCases[event.caseID] = why
                        unreadable.append((id, event.caseID, why))
                        continue
                    }
                    byCase[event.caseID] = ReadCase(notes: notes, version: version)
                    order.append(event.caseID)
                }
                byCase[event.caseID]?.events.append(event)
                if event.dueAt != nil, try Self.theOtherSideWrote(tx, since: event) {
                    byCase[event.caseID]?.moot.insert(id)
                }
                if event.type == Engine.overrideEvent, let approval = Int64("\(event.payload["approval"] ?? "")"),
                    let original = try tx.run(Self.openOverrideQuery(approval, caseID: event.caseID)).first
                {
                    byCase[event.caseID]?.overridden[approval] = try StoredRow(original).approval()
                }
            }
            var busy: [DateInterval] = []
            if busyTimes && !events.isEmpty {
                for row in answers[1] {
                    let (id, start, end) = try row.decode((Int64, Date, Date).self)
                    if start <= end {
                        busy.append(DateInterval(start: start, end: end))
                    } else if self.reportedBusy.withLock({ $0.insert(id).inserted }) {
                        try tx.run(
                            Self.auditInsert(
                                at: now, caseID: "calendar", agent: nil, kind: .unreadable,
                                detail:
                                    "busy time #\(id) skipped: stored data could not be read: it ends before it starts (fix or delete the row in calendar_busy)"))
                    }
                }
            }
            for bad in unreadable { try Self.deadLetter(tx, bad, at: now) }
            let cases = order.compactMap { caseID -> CaseSnapshot? in
                guard let read = byCase[caseID], !read.events.isEmpty else { return nil }
                return CaseSnapshot(
                    read: caseID, events: read.events, notes: read.notes, version: read.version, moot: read.moot,
                    overridden: read.overridden)
            }
            return StepSnapshot(cases: cases, busy: busy, at: now)
        }
    }

    /// One case as the step read gathers it.
    private struct ReadCase {
        let notes: [String: [String: String]]
        let version: Int
        var events: [EventRecord] = []
        var moot: Set<Int64> = []
        var overridden: [Int64: ApprovalRecord] = [:]
    }

    /// An event whose row does not read as one.
    struct UnreadableEvent: Error {
        let id: Int64
        let caseID: String
        let column: UnreadableColumn
    }

    /// Up to `limit` waiting events of cases this worker may take, oldest first, with their cases'
    /// contexts, in one statement: the candidates (ready ones by id, due delayed ones by due time,
    /// merged oldest first) are locked `SKIP LOCKED`, their cases leased to this worker (in case
    /// order, so two workers never wait on each other's leases in a cycle), and the leased cases'
    /// waiting events read in order. A case leased by another worker meanwhile is not returned by
    /// the lease and so not read; an event another worker finished meanwhile is caught by the commit,
    /// which checks that each event it finishes is still waiting.
    private static func claimQuery(
        limit: Int, excluding: Set<String>, now: Date, worker: String, leaseSeconds: Double
    ) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(excluding.sorted())
        binds.append(worker)
        binds.append(Int64(max(0, limit)))
        binds.append(StoredTime.rounded(now))
        binds.append(leaseSeconds)
        let free = """
            NOT (e.case_id = ANY($1)) AND NOT EXISTS (SELECT 1 FROM case_lease l WHERE l.case_id = e.case_id
            AND l.worker <> $2 AND l.expires_at > clock_timestamp())
            """
        return PostgresQuery(
                unsafeSQL: """
                    WITH ready AS (
                        SELECT e.id, e.case_id FROM event e WHERE e.status = 'pending' AND e.due_at IS NULL AND \(free)
                        ORDER BY e.id LIMIT $3 FOR UPDATE OF e SKIP LOCKED),
                    due AS (
                        SELECT e.id, e.case_id FROM event e WHERE e.status = 'pending' AND e.due_at IS NOT NULL
                        AND e.due_at <= $4 AND \(free) ORDER BY e.due_at LIMIT $3 FOR UPDATE OF e SKIP LOCKED),
                    taken AS (
                        SELECT id, case_id FROM (SELECT id, case_id FROM ready UNION ALL SELECT id, case_id FROM due) t
                        ORDER BY id LIMIT $3),
                    leased AS (
                        INSERT INTO case_lease (case_id, worker, expires_at)
                        SELECT case_id, $2, clock_timestamp() + make_interval(secs => $5)
                        FROM (SELECT DISTINCT case_id FROM taken) c ORDER BY case_id
                        ON CONFLICT (case_id) DO UPDATE SET worker = excluded.worker, expires_at = excluded.expires_at
                        WHERE case_lease.worker = excluded.worker OR case_lease.expires_at <= clock_timestamp()
                        RETURNING case_id)
                    SELECT e.*, c.context_json AS step_context_json, c.version AS step_context_version
                    FROM event e LEFT JOIN case_context c ON c.case_id = e.case_id
                    WHERE e.case_id IN (SELECT case_id FROM leased) AND e.status = 'pending'
                    AND (e.due_at IS NULL OR e.due_at <= $4) ORDER BY e.id LIMIT $3
                    """, binds: binds)
    }

    /// The claim's rows: the events (each read, or why not) and their cases' contexts.
    private static func claimed(_ rows: PostgresQueryResult) throws
        -> (events: [Result<EventRecord, UnreadableEvent>], contexts: [String: StepContext?])
    {
        var contexts: [String: StepContext?] = [:]
        let events = try identified(rows).map { id, caseID, row -> Result<EventRecord, UnreadableEvent> in
            if contexts.index(forKey: caseID) == nil, let context = try stepContext(row) {
                contexts[caseID] = .some(context)
            }
            do {
                let event = try row.event()
                guard event.isPayloadAnObject else {
                    throw UnreadableColumn(column: "payload_json", reason: "it is not a JSON object")
                }
                return .success(event)
            } catch let column as UnreadableColumn {
                return .failure(UnreadableEvent(id: id, caseID: caseID, column: column))
            } catch {
                return .failure(
                    UnreadableEvent(id: id, caseID: caseID, column: UnreadableColumn(column: "?", reason: "\(error)")))
            }
        }
        return (events, contexts)
    }

    /// A case's context as a step reads it: its agents' notes and version.
    typealias StepContext = (notes: [String: [String: String]], version: Int)

    /// The context joined to an event row: none when the case has none stored (`.none`), `.some(nil)`
    /// when its stored JSON is not agents' notes (the step must not write over a context it could not
    /// read).
    private static func stepContext(_ row: StoredRow) throws -> StepContext?? {
        guard let json = try row("step_context_json", as: String?.self) else { return .none }
        let version = try row("step_context_version", as: Int.self)
        return .some(notes(json).map { ($0, version) })
    }

    /// Event rows with their id and case (a row without an id is no event; a case that does not
    /// read is `unknown`, for the dead letter that says so).
    private static func identified(_ rows: some Sequence<PostgresRow>) -> [(id: Int64, caseID: String, row: StoredRow)] {
        rows.compactMap { row in
            let stored = StoredRow(row)
            guard let id = try? stored("id", as: Int64.self) else { return nil }
            return (id, (try? stored("case_id", as: String.self)) ?? "unknown", stored)
        }
    }

    /// Whether an event from outside arrived on the delayed event's case after it was set.
    private static func theOtherSideWrote(_ tx: PostgresTransaction, since delayed: EventRecord) throws -> Bool {
        try tx.run(
            """
            SELECT EXISTS (SELECT 1 FROM event WHERE case_id = \(delayed.caseID) AND id > \(delayed.id ?? 0)
            AND producer = ANY(\(Engine.externalProducers)))
            """
        ).first?.decode(Bool.self) ?? false
    }

    /// Moves an event whose stored data cannot be read to the dead letters, with a `dead` audit line.
    private static func deadLetter(
        _ tx: PostgresTransaction, _ bad: (id: Int64, caseID: String, reason: String), at now: Date
    ) throws {
        let message =
            bad.reason.hasPrefix("stored data could not be read") ? bad.reason : "stored data could not be read: \(bad.reason)"
        // One statement (the step read has committed: each statement now commits on its own).
        let detail = "dead-lettered: \(message) (event #\(bad.id); fix or delete the row, then `baton event retry \(bad.id)`)"
        try tx.run(
            """
            WITH dead AS (
                UPDATE event SET status = 'dead', last_error = \(message), dead_at = \(StoredTime.rounded(now))
                WHERE id = \(bad.id) AND status = 'pending' RETURNING id)
            INSERT INTO audit (at, case_id, agent, kind, detail)
            SELECT \(StoredTime.rounded(now)), \(bad.caseID), NULL, \(AuditKind.dead.rawValue), \(detail) FROM dead
            """)
    }
}
