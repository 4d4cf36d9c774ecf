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
            for row in try tx.run(claim) {
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

    private static func deadAction(_ tx: PostgresTransaction, id: Int64, caseID: String, reason: String, at now: Date)
        throws
    {
        let message =
            reason.hasPrefix("stored data could not be read") ? reason : "stored data could not be read: outbox #\(id): \(reason)"
        let changed = try tx.run(
            """
            UPDATE outbox SET status = 'dead', last_error = \(message), lease_until = NULL, leased_by = NULL
            WHERE id = \(id) AND status = 'queued'
            """
        ).metadata.rows == 1
        guard changed else { return }
        try tx.run(
            auditInsert(
                at: now, caseID: caseID, agent: nil, kind: .dead,
                detail: "action #\(id) dead-lettered: \(message) (fix or delete the row in outbox)", notes: nil))
    }
}
