import Orchestrator
import PostgresNIO

/// The notices of every process's commits (``ChangeFeed``): a pooled connection LISTENs on the
/// tenant's channel (its schema's name), where the tables' triggers send `events` and `outbox` at
/// commit (``PostgresSchema``, version 3). The connection is this feed's while it listens.
extension PostgresStore: ChangeFeed {
    package func watchChanges(
        listening: @escaping @Sendable () -> Void, _ changed: @escaping @Sendable (StoreChange) -> Void
    ) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: tenant.schema) { notices in
                listening()
                for try await notice in notices {
                    if let change = StoreChange(rawValue: notice.payload) { changed(change) }
                }
            }
        }
    }
}
