import ServiceLifecycle

/// Wakes this worker's engine and dispatcher at the commits of every process sharing its store
/// (``ChangeFeed``): an event taken by the intake of another worker is worked here at once, not at
/// the engine's next look. When the feed's connection fails, it is said (at most once a minute) and
/// listened to again a second later; the engine and the dispatcher are woken then, for what was
/// committed while nobody listened.
package struct ChangeFeedService: Service {
    let feed: any ChangeFeed
    let engine: Wakeup
    let dispatcher: Wakeup
    let log: @Sendable (String) -> Void

    package init(feed: any ChangeFeed, engine: Wakeup, dispatcher: Wakeup, log: @escaping @Sendable (String) -> Void) {
        self.feed = feed
        self.engine = engine
        self.dispatcher = dispatcher
        self.log = log
    }

    package func run() async throws {
        let failures = RepeatedFailureLog(log: log)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown {
                    try await feed.watchChanges(
                        listening: {
                            engine.signal()
                            dispatcher.signal()
                            failures.recovered("the store's notices arrive again")
                        },
                        { change in
                            switch change {
                            case .events: engine.signal()
                            case .outbox: dispatcher.signal()
                            }
                        })
                }
            } catch {
                guard !Task.isShuttingDownGracefully && !Task.isCancelled else { return }
                failures.failed(
                    "the store's notices stopped (listening again; meanwhile the engine and the dispatcher look every interval): \(error)",
                    cause: "\(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
    }
}
