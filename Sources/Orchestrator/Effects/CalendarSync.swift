import Foundation

/// Copies an outside calendar's busy times into the built-in one, where the agents look for free
/// times without waiting on the network inside a transaction.
public struct CalendarSync: Sendable {
    let store: any RuntimeStorage
    let calendar: CalendarConnector
    /// How far ahead to read: the scheduling agent offers times up to three weeks out.
    public var days = 21

    package init(store: any RuntimeStorage, calendar: CalendarConnector) {
        self.store = store
        self.calendar = calendar
    }

    /// Reads the busy times from now to `days` ahead and replaces the ones read before; returns how
    /// many there are.
    @discardableResult
    public func refresh() async throws -> Int {
        try await refreshCounting().kept
    }

    /// ``refresh()``, saying also how many busy times were dropped: those wholly outside the window
    /// the runtime stores (``AcceptedTime``; the others are cut to it).
    public func refreshCounting() async throws -> (kept: Int, dropped: Int) {
        let now = store.clock()
        // Read first, outside any transaction; then replaced in one short write.
        let read = try await calendar.busy(
            from: now.addingTimeInterval(-86400), to: now.addingTimeInterval(Double(days) * 86400))
        let busy = AcceptedTime.busyTimes(read, now: now)
        try await store.transaction { try $0.replaceExternalBusy(busy.kept) }
        return (busy.kept.count, busy.dropped)
    }
}
