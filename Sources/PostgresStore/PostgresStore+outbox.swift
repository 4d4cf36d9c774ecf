import Foundation
import Orchestrator
import PostgresNIO

/// The dispatcher's read, for several workers: the due items are leased to this worker (`leased_by`,
/// `lease_until` on the server's clock) as they are read, `FOR UPDATE SKIP LOCKED`, so no two
/// workers send one item; recording the item (sent, failed, dead) gives the lease back, and a
/// crashed worker's items come back when their leases run out, to be sent by another, still at most
/// once per idempotency key (the connectors' own keys: Message-ID, `If-None-Match`,
/// `Idempotency-Key`).
extension PostgresStore {
    package func dueActions(limit: Int, lane: DispatchLane?, at now: Date) async throws -> [OutboxItem] {
        let (worker, lease) = (worker, Double(limits.outboxLease.components.seconds))
        let laneFilter: String =
            switch lane {
            case nil: ""
            case .email?, .calendar?: "AND action = ANY($5)"
            case .other?: "AND NOT (action = ANY($5))"
            }
        let kinds = (lane.map { $0 == .other ? DispatchLane.laneKinds : $0.kinds } ?? []).map(\.rawValue)
        var binds = PostgresBindings()
        binds.append(StoredTime.rounded(now))
        binds.append(Int64(max(0, limit)))
        binds.append(worker)
        binds.append(lease)
        binds.append(kinds)
        let claim = PostgresQuery(
            unsafeSQL: """
                UPDATE outbox SET leased_by = $3, lease_until = clock_timestamp() + make_interval(secs => $4)
                WHERE id IN (
                    SELECT id FROM outbox WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
                    AND (lease_until IS NULL OR lease_until <= clock_timestamp()) \(laneFilter)
                    ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
                RETURNING *
                """, binds: binds)
        return try await write { tx in
            var items: [OutboxItem] = []
            // The claim and its COMMIT in one hop; a dead row's record runs after, on its own.
            for row in try tx.runCommitting([claim])[0] {
                let stored = StoredRow(row)
                do {
                    items.append(try stored.outboxItem())
                } catch {
                    // A row that does not read never holds its lane up: dead, said in the audit log.
                    guard let id = try? stored("id", as: Int64.self) else { continue }
                    try Self.deadAction(
                        tx, id: id, caseID: (try? stored("case_id", as: String.self)) ?? "unknown",
                        reason: "\(error)", at: now)
                }
            }
            return items.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
        }
    }

    /// The outbox, oldest first, the items after `id` (as the SQLite store's `outbox(after:)`):
    /// what a benchmark reads to learn which replies a commit queued. A plain read: no lease.
    package func outbox(after id: Int64) async throws -> [OutboxItem] {
        try await rows("SELECT * FROM outbox WHERE id > \(id) ORDER BY id").map { try $0.outboxItem() }
    }

    private static func deadAction(_ tx: PostgresTransaction, id: Int64, caseID: String, reason: String, at now: Date)
        throws
    {
        let message =
            reason.hasPrefix("stored data could not be read") ? reason : "stored data could not be read: outbox #\(id): \(reason)"
        // One statement: the claim has committed, so each statement commits on its own.
        let detail = "action #\(id) dead-lettered: \(message) (fix or delete the row in outbox)"
        try tx.run(
            """
            WITH dead AS (
                UPDATE outbox SET status = 'dead', last_error = \(message), lease_until = NULL, leased_by = NULL
                WHERE id = \(id) AND status = 'queued' RETURNING id)
            INSERT INTO audit (at, case_id, agent, kind, detail)
            SELECT \(StoredTime.rounded(now)), \(caseID), NULL, \(AuditKind.dead.rawValue), \(detail) FROM dead
            """)
    }
}
