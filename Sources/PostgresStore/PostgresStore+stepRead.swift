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
/// runtime's (which tests fix).
extension PostgresStore {
    package func readStep(limit: Int, excluding: Set<String>, busyTimes: Bool, at now: Date) async throws
        -> StepSnapshot
    {
        let (worker, lease) = (worker, Double(limits.caseLease.components.seconds))
        return try await write { tx in
            let events = try Self.claimEvents(
                tx, limit: limit, excluding: excluding, now: now, worker: worker, leaseSeconds: lease)
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
                    guard let (notes, version) = try Self.strictContext(tx, event.caseID) else {
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
                for row in try tx.run("SELECT id, starts_at, ends_at FROM calendar_busy WHERE ends_at > \(now)") {
                    let (id, start, end) = try row.decode((Int64, Date, Date).self)
                    if start <= end {
                        busy.append(DateInterval(start: start, end: end))
                    } else if self.reportedBusy.withLock({ $0.insert(id).inserted }) {
                        try tx.run(
                            Self.auditInsert(
                                at: now, caseID: "calendar", agent: nil, kind: .unreadable,
                                detail:
                                    "busy time #\(id) skipped: stored data could not be read: it ends before it starts (fix or delete the row in calendar_busy)",
                                notes: nil))
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

    /// Up to `limit` waiting events of cases this worker may take, oldest first: the candidates
    /// (ready ones by id, due delayed ones by due time, merged oldest first) are locked `SKIP LOCKED`,
    /// their cases leased to this worker, and the held cases' waiting events read again in order.
    private static func claimEvents(
        _ tx: PostgresTransaction, limit: Int, excluding: Set<String>, now: Date, worker: String, leaseSeconds: Double
    ) throws -> [Result<EventRecord, UnreadableEvent>] {
        let busy = excluding.sorted()
        let free = PostgresQuery(
            unsafeSQL: """
                NOT (e.case_id = ANY($1)) AND NOT EXISTS (SELECT 1 FROM case_lease l WHERE l.case_id = e.case_id
                AND l.worker <> $2 AND l.expires_at > clock_timestamp())
                """
        ).sql
        var binds = PostgresBindings()
        binds.append(busy)
        binds.append(worker)
        binds.append(Int64(max(0, limit)))
        var dueBinds = binds
        dueBinds.append(StoredTime.rounded(now))
        let ready = try tx.run(
            PostgresQuery(
                unsafeSQL: """
                    SELECT e.* FROM event e WHERE e.status = 'pending' AND e.due_at IS NULL AND \(free)
                    ORDER BY e.id LIMIT $3 FOR UPDATE OF e SKIP LOCKED
                    """, binds: binds))
        let due = try tx.run(
            PostgresQuery(
                unsafeSQL: """
                    SELECT e.* FROM event e WHERE e.status = 'pending' AND e.due_at IS NOT NULL AND e.due_at <= $4
                    AND \(free) ORDER BY e.due_at LIMIT $3 FOR UPDATE OF e SKIP LOCKED
                    """, binds: dueBinds))
        let taken = identified(Array(ready) + Array(due)).sorted { $0.id < $1.id }.prefix(limit)
        guard !taken.isEmpty else { return [] }
        let cases = Array(Set(taken.map(\.caseID))).sorted()
        let leased = Set(
            try tx.run(
                """
                INSERT INTO case_lease (case_id, worker, expires_at)
                SELECT unnest(\(cases)::text[]), \(worker), clock_timestamp() + make_interval(secs => \(leaseSeconds))
                ON CONFLICT (case_id) DO UPDATE SET worker = excluded.worker, expires_at = excluded.expires_at
                WHERE case_lease.worker = excluded.worker OR case_lease.expires_at <= clock_timestamp()
                RETURNING case_id
                """
            ).map { try $0.decode(String.self) })
        guard !leased.isEmpty else { return [] }
        // With the cases held, their waiting events as they are now, oldest first: one that another
        // worker's read had locked (and so was skipped above) is not left behind a later one.
        let held = identified(
            try tx.run(
                """
                SELECT * FROM event WHERE case_id = ANY(\(Array(leased))) AND status = 'pending'
                AND (due_at IS NULL OR due_at <= \(StoredTime.rounded(now))) ORDER BY id LIMIT \(Int64(max(0, limit)))
                """))
        return held.map { id, caseID, row in
            do {
                let event = try row.event()
                guard (try? JSONSerialization.jsonObject(with: Data(event.payloadJSON.utf8))) is [String: Any] else {
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

    /// A case's context for a step: nil when its stored JSON is not agents' notes (the step must not
    /// write over a context it could not read).
    private static func strictContext(_ tx: PostgresTransaction, _ caseID: String) throws
        -> (notes: [String: [String: String]], version: Int)?
    {
        guard let row = try tx.run("SELECT context_json, version FROM case_context WHERE case_id = \(caseID)").first
        else { return ([:], 0) }
        let (json, version) = try row.decode((String, Int).self)
        return notes(json).map { ($0, version) }
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
        let changed = try tx.run(
            """
            UPDATE event SET status = 'dead', last_error = \(message), dead_at = \(StoredTime.rounded(now))
            WHERE id = \(bad.id) AND status = 'pending'
            """
        ).metadata.rows == 1
        guard changed else { return }
        try tx.run(
            auditInsert(
                at: now, caseID: bad.caseID, agent: nil, kind: .dead,
                detail:
                    "dead-lettered: \(message) (event #\(bad.id); fix or delete the row, then `baton event retry \(bad.id)`)",
                notes: nil))
    }
}
