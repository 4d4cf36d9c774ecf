import Foundation

/// Copies an outside calendar's busy times into the built-in one, where the agents look for free
/// times without waiting on the network inside a transaction.
public struct CalendarSync: Sendable {
    let store: RuntimeStore
    let calendar: CalendarConnector
    /// How far ahead to read: the scheduling agent offers times up to three weeks out.
    public var days = 21

    public init(store: RuntimeStore, calendar: CalendarConnector) {
        self.store = store
        self.calendar = calendar
    }

    /// Reads the busy times from now to `days` ahead and replaces the ones read before; returns how
    /// many there are.
    @discardableResult
    public func refresh() async throws -> Int {
        let now = store.clock()
        // Read first, outside any transaction; then replaced in one short write.
        let busy = try await calendar.busy(
            from: now.addingTimeInterval(-86400), to: now.addingTimeInterval(Double(days) * 86400))
        return try store.replaceExternalBusy(busy)
    }
}
