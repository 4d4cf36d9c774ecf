import ServiceLifecycle

/// The dispatcher as a long-running service: one loop per ``DispatchLane`` (emails, calendar
/// bookings, the rest), so a hung mail server delays only the emails while webhooks and bookings
/// queued meanwhile go. Each lane dispatches whenever the engine commits work (``wakeup``) and at
/// least every `fallback` (for retries whose backoff ends, and actions an approval in another
/// process released). Actions deferred by an agent's hourly limit are queued at their time: a
/// timer set to the next one's time on the runtime's clock (set again whenever the engine commits)
/// wakes the lanes then. On graceful shutdown each finishes the dispatch in hand and stops; the
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
        let deferred = Wakeup()
        try await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for (lane, laneWakeup) in lanes {
                    group.addTask { await dispatchLoop(lane, laneWakeup) }
                }
                group.addTask { await releaseLoop(deferred, lanes: Array(lanes.values)) }
                // One signal from the engine wakes every lane, and the deferred actions' timer.
                while !Task.isShuttingDownGracefully && !Task.isCancelled {
                    await wakeup.wait(upTo: fallback)
                    for laneWakeup in lanes.values { laneWakeup.signal() }
                    deferred.signal()
                }
            }
        } onGracefulShutdown: {
            wakeup.signal()
            deferred.signal()
            for laneWakeup in lanes.values { laneWakeup.signal() }
        }
    }

    /// Queues the deferred actions whose time has come and wakes the lanes, then sleeps until the
    /// next one's time (on the runtime's clock) or the next signal, whichever is first: the engine's
    /// commits may have deferred an action that goes earlier. No deferred action: it sleeps until a
    /// signal (an hour at most).
    private func releaseLoop(_ deferred: Wakeup, lanes: [Wakeup]) async {
        let store = dispatcher.store
        let failures = RepeatedFailureLog(log: log)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var sleep = Duration.seconds(3600)
            do {
                if try await store.releaseDeferred(at: store.clock()) > 0 {
                    for lane in lanes { lane.signal() }
                }
                if let next = try await store.nextDeferred() {
                    // A millisecond past its time, so that the time has come when it wakes.
                    let milliseconds = (next.timeIntervalSince(store.clock()) * 1000).rounded(.up) + 1
                    sleep = .milliseconds(Int64(min(3_600_000, max(1, milliseconds))))
                }
                failures.recovered("queueing deferred actions works again")
            } catch {
                failures.failed("could not queue deferred actions (trying again): \(error)", cause: "\(error)")
                sleep = fallback
            }
            await deferred.wait(upTo: sleep)
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
