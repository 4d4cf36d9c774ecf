import ServiceLifecycle

/// The dispatcher as a long-running service: one loop per ``DispatchLane`` (emails, calendar
/// bookings, the rest), so a hung mail server delays only the emails while webhooks and bookings
/// queued meanwhile go. Each lane dispatches whenever the engine commits work (``wakeup``) and at
/// least every `fallback` (for retries whose backoff ends, and actions an approval in another
/// process released). On graceful shutdown each finishes the dispatch in hand and stops; the
/// service group's shutdown timeout bounds how long that may take.
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
        let lanes = Dictionary(uniqueKeysWithValues: DispatchLane.allCases.map { ($0, Wakeup()) })
        try await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for (lane, laneWakeup) in lanes {
                    group.addTask { await dispatchLoop(lane, laneWakeup) }
                }
                // One signal from the engine wakes every lane.
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    await wakeup.wait(upTo: fallback)
                    for laneWakeup in lanes.values { laneWakeup.signal() }
                }
            }
        } onGracefulShutdown: {
            wakeup.signal()
            for laneWakeup in lanes.values { laneWakeup.signal() }
        }
    }

    /// Dispatches one lane until shutdown, waiting for a signal (or the fallback) when it is idle.
    private func dispatchLoop(_ lane: DispatchLane, _ laneWakeup: Wakeup) async {
        // A store that cannot write (a full disk) fails every pass: said at most once a minute.
        let failures = RepeatedFailureLog(log: log)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let sent = try await dispatcher.dispatch(lane: lane)
                failures.recovered("dispatching works again")
                if sent > 0 {
                    log("dispatched \(sent) action\(sent == 1 ? "" : "s")")
                    continue
                }
            } catch {
                failures.failed("could not dispatch (trying again): \(error)", cause: "\(error)")
            }
            await laneWakeup.wait(upTo: fallback)
        }
    }
}
