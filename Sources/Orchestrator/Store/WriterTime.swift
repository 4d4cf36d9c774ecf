import Dispatch
import Synchronization

/// How long the store's writer has spent in the runtime's write transactions (``RuntimeStore/transaction(_:)``),
/// commit included: SQLite has one writer, so this is the part of the work that runs on a single
/// core. The orchestrator benchmark prints it beside the throughput (its time a lead, and how much
/// of the run the writer was busy), which says whether the writer is what bounds it.
package final class WriterTime: Sendable {
    private let nanoseconds = Atomic<UInt64>(0)

    /// The time spent so far.
    package var total: Duration { .nanoseconds(Int64(nanoseconds.load(ordering: .relaxed))) }

    /// Runs `body` (a write transaction, from its start to its commit), adding the time it takes.
    func measure<T>(_ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { nanoseconds.add(DispatchTime.now().uptimeNanoseconds - start, ordering: .relaxed) }
        return try body()
    }
}
