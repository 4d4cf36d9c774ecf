/// A store several processes write, announcing their commits: a worker's engine wakes when any
/// process stored an event, its dispatcher when any queued an action, rather than at its next
/// look (the look every fallback interval stays, for a notice lost with a connection). The
/// PostgreSQL store is one (LISTEN/NOTIFY); the SQLite store, which one process runs, is not.
package protocol ChangeFeed: Sendable {
    /// Calls `changed` at each commit that stored a waiting event or queued an action (this
    /// process's own too), until the task is cancelled (it then returns) or the feed's connection
    /// fails (it throws). `listening` is called once the feed listens: what was committed before
    /// it may have gone unannounced.
    func watchChanges(listening: @escaping @Sendable () -> Void, _ changed: @escaping @Sendable (StoreChange) -> Void)
        async throws
}

/// What a commit announced.
package enum StoreChange: String, Sendable {
    /// An event waits to be processed.
    case events
    /// An action waits in the outbox to be sent.
    case outbox
}
