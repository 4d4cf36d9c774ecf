import Foundation
import Orchestrator
import PostgresNIO

/// The actions deferred by their agents' hourly limits (``DeferredStorage``), the SQLite store's SQL
/// (RuntimeStore+deferred.swift) in PostgreSQL's words: an outbox row in status `deferred` with the
/// time it goes (`not_before`), queued when that time comes.
extension PostgresStore: DeferredStorage {
    package func nextDeferred() async throws -> Date? {
        try await value("SELECT min(not_before) FROM outbox WHERE status = 'deferred'", as: Date?.self) ?? nil
    }

    @discardableResult
    package func releaseDeferred(at now: Date) async throws -> Int {
        // A read first: most passes find nothing due and write nothing.
        guard let next = try await nextDeferred(), next <= now else { return 0 }
        return try await write { tx in
            try tx.run("UPDATE outbox SET status = 'queued' WHERE status = 'deferred' AND not_before <= \(now)")
                .metadata.rows ?? 0
        }
    }

    package func deferredActions() async throws -> [DeferredActions] {
        try await rows(
            """
            SELECT agent, action, count(*) AS n, min(not_before) AS first, max(not_before) AS last
            FROM outbox WHERE status = 'deferred' GROUP BY agent, action
            ORDER BY agent COLLATE "C", action COLLATE "C"
            """
        ).map {
            DeferredActions(
                stored: try $0("agent"), action: try $0("action"), count: try $0("n"), first: try $0("first"),
                last: try $0("last"))
        }
    }
}
