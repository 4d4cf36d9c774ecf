import Foundation

/// So many requests per key (an address, a case) in a fixed window: a pure state machine (the
/// server asks it with the time; it does no I/O and reads no clock). A key over its limit waits
/// for its window to end. Memory is bounded: at most ``Policy/capacity`` keys are remembered; past
/// that the windows already over are forgotten, then the oldest.
struct RequestBudget: Sendable {
    struct Policy: Sendable {
        var limit: Int
        /// Seconds.
        var window: TimeInterval
        var capacity = 10_000
    }

    struct Entry: Sendable, Equatable {
        var started: TimeInterval
        var count: Int
    }

    let policy: Policy
    private(set) var entries: [String: Entry] = [:]

    init(policy: Policy) {
        self.policy = policy
    }

    /// Counts a request of `key` at `now`: nil when it may go, else the whole seconds to wait (at
    /// least 1). A refused request does not count.
    mutating func take(_ key: String, now: TimeInterval) -> Int? {
        var entry = entries[key] ?? Entry(started: now, count: 0)
        if now - entry.started >= policy.window { entry = Entry(started: now, count: 0) }
        guard entry.count < policy.limit else {
            return max(1, Int((entry.started + policy.window - now).rounded(.up)))
        }
        entry.count += 1
        entries[key] = entry
        if entries.count > policy.capacity { forget(now: now) }
        return nil
    }

    /// Forgets the windows over, then (if still too many) the oldest, down to nine tenths of the capacity.
    private mutating func forget(now: TimeInterval) {
        entries = entries.filter { now - $0.value.started < policy.window }
        let keep = policy.capacity * 9 / 10
        guard entries.count > keep else { return }
        for (key, _) in entries.sorted(by: { $0.value.started < $1.value.started }).prefix(entries.count - keep) {
            entries[key] = nil
        }
    }
}
