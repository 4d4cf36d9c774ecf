import Foundation

/// The times an agent's latest actions go, and the time the next one may go under its
/// `limits.actions_per_hour`. Pure: the engine's commit reads it once per agent from the store and
/// places each new action with ``place(at:limit:)``.
///
/// Every action counts against the hour in which it goes: an action queued at once goes when it is
/// queued; an action over the limit is deferred, and goes at its not-before time. A new action goes
/// at the first time that keeps at most `limit` actions in every hour: never before `limit` actions
/// ago plus an hour, and never before an action deferred earlier (they go in the order they came).
/// So the `k`-th and the `k + limit`-th action are always an hour or more apart, whichever of
/// them was deferred, and no rolling hour holds more than `limit`.
package struct ActionWindow: Sendable, Equatable {
    /// The length of the window `limits.actions_per_hour` counts in.
    package static let hour: TimeInterval = 3600

    /// When the agent's latest actions go, oldest first: at most the limit's worth, and only those
    /// of the hour before the time asked about (older ones cannot hold a new action back).
    package private(set) var times: [Date]
    /// The latest not-before time of an action of this agent deferred so far, if any.
    package private(set) var lastDeferred: Date?

    package init(times: [Date], lastDeferred: Date?) {
        self.times = times.sorted()
        self.lastDeferred = lastDeferred
    }

    /// The time an action proposed at `now` goes, at most `limit` an hour: `now` when the agent is
    /// within its limit and nothing of it waits, else later (the action is deferred). Records it.
    package mutating func place(at now: Date, limit: Int) -> Date {
        let limit = max(1, limit)
        var goes = now
        if times.count >= limit { goes = max(goes, times[times.count - limit].addingTimeInterval(Self.hour)) }
        if let lastDeferred { goes = max(goes, lastDeferred) }
        if goes > now { lastDeferred = goes }
        // Kept sorted: an action placed now may be a moment earlier than one of another step.
        let index = times.lastIndex { $0 <= goes }.map { $0 + 1 } ?? 0
        times.insert(goes, at: index)
        if times.count > limit { times.removeFirst(times.count - limit) }
        return goes
    }

    /// Whether an action of the agent is deferred and has not gone yet at `now` (a backlog waits).
    package func isDeferring(at now: Date) -> Bool {
        lastDeferred.map { $0 > now } ?? false
    }
}
