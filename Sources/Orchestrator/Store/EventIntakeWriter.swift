import Foundation
import Synchronization

/// Group commit for the intake: submissions that arrive together share one synced commit.
///
/// Each `submit` queues its event and suspends. One drain task at a time takes every event
/// waiting, stores them all in one transaction (``RuntimeStore/store(group:)``, durable with
/// `synchronous = FULL` before it returns), then resumes each submitter with its own result, and
/// takes the next group, which gathered while the commit was in hand. Under load a group grows to
/// whatever arrived during one commit, so the fsync is shared; when idle a lone event commits at
/// once. No thread waits: the submitters and the drain task are suspended, the write runs on the
/// database's own thread.
///
/// Bounded: past `Limits.maxWaiting` unanswered submissions a new one is refused at once
/// (``IntakeWriterError/isOverloaded``), and one not answered within `Limits.timeout` is answered
/// with ``IntakeWriterError/isTimeout``. A timed-out event that was already in the commit in hand
/// may still be stored: the caller says "not confirmed", and a retry with the same idempotency key
/// finds it.
public final class EventIntakeWriter: Sendable {
    /// How much may wait and for how long.
    public struct Limits: Sendable {
        /// Submissions waiting or in the commit in hand; one more is refused.
        public var maxWaiting: Int
        /// How long a submission may wait for its commit.
        public var timeout: Duration

        public init(maxWaiting: Int = 4096, timeout: Duration = .seconds(5)) {
            self.maxWaiting = max(1, maxWaiting)
            self.timeout = timeout
        }
    }

    public typealias Commit = @Sendable ([IntakeEvent]) async throws -> [Result<StoredIntake, any Error>]

    private struct Waiting {
        let event: IntakeEvent
        let continuation: CheckedContinuation<StoredIntake, any Error>
        let since: ContinuousClock.Instant
    }

    private struct State {
        var next: UInt64 = 0
        /// Every submission not yet answered: queued, or in the commit in hand.
        var unanswered: [UInt64: Waiting] = [:]
        /// Those not yet taken by a commit, in arrival order.
        var queued: [UInt64] = []
        var draining = false
        var watching = false
        /// Groups committed and the largest, for the benchmark and the tests.
        var groups = 0
        var largestGroup = 0
    }

    public let limits: Limits
    private let commit: Commit
    private let onCommit: @Sendable () -> Void
    private let state = Mutex(State())

    /// - Parameters:
    ///   - store: where the events go.
    ///   - onCommit: called after each commit that stored a new event (to wake the engine).
    package convenience init(
        store: any IntakeStorage, limits: Limits = Limits(), onCommit: @escaping @Sendable () -> Void = {}
    ) {
        self.init(limits: limits, onCommit: onCommit) { try await store.store(group: $0) }
    }

    /// With the commit given: tests hold it, fail it, or count its groups.
    public init(
        limits: Limits = Limits(), onCommit: @escaping @Sendable () -> Void = {}, commit: @escaping Commit
    ) {
        self.limits = limits
        self.commit = commit
        self.onCommit = onCommit
    }

    /// Stores the event with whatever else is waiting, and returns once it is durable.
    ///
    /// - Throws: ``IntakeWriterError`` when the queue is full or the wait too long; the store's
    ///   error when this event, or its whole group, could not be stored.
    public func submit(_ event: IntakeEvent) async throws -> StoredIntake {
        try await withCheckedThrowingContinuation { continuation in
            let (accepted, startDrain, startWatch) = state.withLock { state -> (Bool, Bool, Bool) in
                guard state.unanswered.count < limits.maxWaiting else { return (false, false, false) }
                let id = state.next
                state.next &+= 1
                state.unanswered[id] = Waiting(event: event, continuation: continuation, since: .now)
                state.queued.append(id)
                let startDrain = !state.draining
                let startWatch = !state.watching
                state.draining = true
                state.watching = true
                return (true, startDrain, startWatch)
            }
            guard accepted else {
                continuation.resume(throwing: IntakeWriterError(.overloaded(limits.maxWaiting)))
                return
            }
            if startDrain { Task { await self.drain() } }
            if startWatch { Task { await self.watch() } }
        }
    }

    /// How many submissions wait for their answer (queued or in the commit under way).
    var waiting: Int { state.withLock { $0.unanswered.count } }

    /// How many groups have been committed, and the largest.
    public var groups: (count: Int, largest: Int) {
        state.withLock { ($0.groups, $0.largestGroup) }
    }

    /// Commits group after group until nothing waits.
    private func drain() async {
        while true {
            let group = state.withLock { state -> [(UInt64, IntakeEvent)] in
                let taken = state.queued.compactMap { id in state.unanswered[id].map { (id, $0.event) } }
                state.queued.removeAll(keepingCapacity: true)
                if taken.isEmpty {
                    state.draining = false
                } else {
                    state.groups += 1
                    state.largestGroup = max(state.largestGroup, taken.count)
                }
                return taken
            }
            if group.isEmpty { return }
            var results: [Result<StoredIntake, any Error>]
            do {
                results = try await commit(group.map(\.1))
                if results.count != group.count {
                    results = Array(repeating: .failure(IntakeWriterError(.lost)), count: group.count)
                }
            } catch {
                results = Array(repeating: .failure(error), count: group.count)
            }
            let answers = state.withLock { state in
                zip(group, results).compactMap { member, result in
                    state.unanswered.removeValue(forKey: member.0).map { ($0.continuation, result) }
                }
            }
            for (continuation, result) in answers { continuation.resume(with: result) }
            if results.contains(where: { (try? $0.get())?.isNew == true }) { onCommit() }
        }
    }

    /// Answers the submissions that waited longer than the timeout, while any wait.
    private func watch() async {
        let tick = min(limits.timeout / 4, .milliseconds(100))
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (expired, done) = state.withLock { state -> ([Waiting], Bool) in
                let late = state.unanswered.filter { now - $0.value.since >= limits.timeout }
                if !late.isEmpty {
                    for id in late.keys { state.unanswered.removeValue(forKey: id) }
                    state.queued.removeAll { late[$0] != nil }
                }
                if state.unanswered.isEmpty { state.watching = false }
                return (Array(late.values), state.unanswered.isEmpty)
            }
            let error = IntakeWriterError(.timedOut(limits.timeout))
            for waiting in expired { waiting.continuation.resume(throwing: error) }
            if done { return }
        }
    }
}

/// Why the intake's writer did not store a submission: it was full, or the commit took too long.
public struct IntakeWriterError: Error, CustomStringConvertible, Sendable {
    fileprivate enum Reason: Sendable {
        case overloaded(Int)
        case timedOut(Duration)
        case lost
    }

    fileprivate let reason: Reason

    fileprivate init(_ reason: Reason) { self.reason = reason }

    /// The queue was full: try again shortly.
    public var isOverloaded: Bool {
        if case .overloaded = reason { return true }
        return false
    }

    /// No commit answered in time: the event may or may not be stored; retry with the same key.
    public var isTimeout: Bool {
        if case .timedOut = reason { return true }
        return false
    }

    public var description: String {
        switch reason {
        case .overloaded(let limit):
            return "the intake is busy (\(limit) submissions are waiting for their commit); try again shortly"
        case .timedOut(let timeout):
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            return
                "the event was not confirmed stored within \(String(format: "%g", seconds)) s; retry with the same Idempotency-Key"
        case .lost: return "the store answered for a different number of events than it was given"
        }
    }
}
