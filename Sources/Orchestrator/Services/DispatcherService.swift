import ServiceLifecycle

/// The dispatcher as a long-running service: it dispatches whenever the engine commits work
/// (``wakeup``) and at least every `fallback` (for retries whose backoff ends, and actions an
/// approval in another process released). On graceful shutdown it finishes the dispatch in hand
/// and stops; the service group's shutdown timeout bounds how long that may take.
public struct DispatcherService: Service {
    let dispatcher: Dispatcher
    /// Signal it when actions are queued.
    public let wakeup: Wakeup
    let fallback: Duration
    let log: @Sendable (String) -> Void

    public init(
        dispatcher: Dispatcher, wakeup: Wakeup = Wakeup(), fallback: Duration = .seconds(1),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.dispatcher = dispatcher
        self.wakeup = wakeup
        self.fallback = fallback
        self.log = log
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    let sent = try await dispatcher.dispatch()
                    if sent > 0 {
                        log("dispatched \(sent) actions")
                        continue
                    }
                } catch {
                    log("could not dispatch (trying again): \(error)")
                }
                await wakeup.wait(upTo: fallback)
            }
        } onGracefulShutdown: {
            wakeup.signal()
        }
    }
}
