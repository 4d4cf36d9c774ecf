import Dispatch
import Foundation
import NIOCore
import Synchronization

/// The threads ``PostgresStore`` runs its write transactions on: one serial dispatch queue per
/// transaction in progress, taken from a free list and given back when it ends. Never a thread of
/// the cooperative pool and never a NIO event loop: the transaction's queries are sent on a leased
/// connection and waited for here (`EventLoopFuture.wait()`, legal off an event loop), while the
/// task that asked for the transaction is suspended on a continuation. So a synchronous
/// ``RuntimeTransaction`` body runs on PostgreSQL as it runs inside GRDB's writer on SQLite.
final class TransactionThreads: Sendable {
    private let free = Mutex<[DispatchQueue]>([])
    private let made = Atomic<Int>(0)

    /// Runs `work` on a transaction thread; the caller is suspended until it returns.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let queue = take()
        defer { free.withLock { $0.append(queue) } }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private func take() -> DispatchQueue {
        if let queue = free.withLock({ $0.popLast() }) { return queue }
        let number = made.add(1, ordering: .relaxed).newValue
        return DispatchQueue(label: "baton.postgres.transaction.\(number)")
    }
}

/// A query that did not answer in time: its connection is closed (the server rolls back what it
/// held) and the store counts it as unavailable, worth trying again.
struct QueryTimeout: Error, CustomStringConvertible {
    let seconds: Int64
    var description: String { "PostgreSQL did not answer within \(seconds) s" }
}

extension EventLoop {
    /// Starts `work` on this event loop with a timer of `timeout` beside it, and waits for its
    /// result on the calling thread (a transaction thread), failing with ``QueryTimeout`` when the
    /// timer fires first. The query, the timer and its cancelling all happen on the loop in one
    /// hop: the waiting thread wakes the loop once per query, not three times (the query's send,
    /// the timer's scheduling and its cancelling each a hop when asked from another thread).
    func wait<Value: Sendable>(timeout: TimeAmount, for work: @escaping @Sendable () -> EventLoopFuture<Value>) throws
        -> Value
    {
        try flatSubmit { [self] in
            let bounded = makePromise(of: Value.self)
            let timer = scheduleTask(in: timeout) {
                bounded.fail(QueryTimeout(seconds: Int64(timeout.nanoseconds / 1_000_000_000)))
            }
            work().whenComplete { result in
                timer.cancel()
                bounded.completeWith(result)
            }
            return bounded.futureResult
        }.wait()
    }
}
