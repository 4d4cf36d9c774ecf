import Foundation

/// The actions deferred by their agents' hourly limits (`limits.actions_per_hour`), as the
/// dispatcher, `/metrics`, the dashboard and the daily report reach them. A deferred action waits
/// in the outbox with the time it goes; at that time it is queued like any other.
package protocol DeferredStorage: Sendable {
    /// When the next deferred action goes, if one waits.
    func nextDeferred() async throws -> Date?
    /// Queues every deferred action whose time has come at `now`; returns how many.
    @discardableResult
    func releaseDeferred(at now: Date) async throws -> Int
    /// The deferred actions waiting now, by agent and action: how many, and when the first and the
    /// last of them go.
    func deferredActions() async throws -> [DeferredActions]
}

/// Actions of one agent and kind that wait for their hour.
package struct DeferredActions: Sendable, Equatable {
    package let agent: String
    package let action: String
    package let count: Int
    package let first: Date
    package let last: Date
}
