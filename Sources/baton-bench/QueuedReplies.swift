import Orchestrator
import PostgresStore

/// A store the latency run can watch: the runtime's storage, and the outbox items after an id (the
/// replies a commit queued). Both stores read it (`RuntimeStore.outbox(after:)`,
/// `PostgresStore.outbox(after:)`), so one latency run measures either.
protocol QueuedReplies: RuntimeStorage {
    /// The outbox items after outbox item `id`, oldest first.
    func outbox(after id: Int64) async throws -> [OutboxItem]
}

extension RuntimeStore: QueuedReplies {}
extension PostgresStore: QueuedReplies {}
