import Foundation
import ServiceLifecycle
import Synchronization

/// The engine as a long-running service: it takes on waiting events whenever it is woken (by the
/// intake, by its own commits) or its fallback interval passes, runs each case's skills as its own
/// task, and commits finished cases together as they come in — a lead whose model answers in 15 s
/// holds up no other lead, and its reply is committed as soon as its answer arrives.
///
/// On graceful shutdown it stops taking new work, lets the cases in hand finish for up to
/// `shutdownGrace`, commits them, and cancels the rest: their events stay waiting, untried.
public struct EngineService: Service {
    let engine: Engine
    /// Signalled when events arrive (the intake) and after each commit.
    public let wakeup: Wakeup
    /// Signalled after each commit that queued work for the dispatcher.
    let committed: Wakeup?
    /// Events read per snapshot.
    let batchSize: Int
    /// Cases whose skills may run at once.
    let maxCases: Int
    /// How often to look for work no signal announced (events from another process, delayed events).
    let fallback: Duration
    let shutdownGrace: Duration
    let log: @Sendable (String) -> Void

    /// - Parameters:
    ///   - wakeup: signal it when events arrive.
    ///   - committed: signalled after each commit (the dispatcher's wake-up).
    ///   - log: one line per commit that processed events, and per failure of the store.
    public init(
        engine: Engine, wakeup: Wakeup = Wakeup(), committed: Wakeup? = nil, batchSize: Int = 256,
        maxCases: Int = 256, fallback: Duration = .milliseconds(500), shutdownGrace: Duration = .seconds(3),
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.engine = engine
        self.wakeup = wakeup
        self.committed = committed
        self.batchSize = batchSize
        self.maxCases = maxCases
        self.fallback = fallback
        self.shutdownGrace = shutdownGrace
        self.log = log
    }

    /// Cases in hand and outcomes waiting to be committed, shared by the reader, the case tasks and
    /// the committer.
    private final class Work: Sendable {
        /// Failures of the store, said at most once a minute each.
        let readFailures: RepeatedFailureLog
        let commitFailures: RepeatedFailureLog
        init(log: @escaping @Sendable (String) -> Void) {
            readFailures = RepeatedFailureLog(log: log)
            commitFailures = RepeatedFailureLog(log: log)
        }
        let inFlight = Mutex<Set<String>>([])
        let finished = Mutex<[CaseOutcome]>([])
        let stopping = Mutex(false)
        /// Wakes the committer when a case finishes.
        let done = Wakeup()
    }

    public func run() async throws {
        let work = Work(log: log)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await commitLoop(work) }
                group.addTask { await readLoop(work) }
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            work.stopping.withLock { $0 = true }
            wakeup.signal()
            work.done.signal()
        }
    }

    /// Takes on waiting events of cases not in hand, each case as its own task, until shutdown;
    /// then waits for the cases in hand (up to the grace period) and cancels the rest.
    private func readLoop(_ work: Work) async {
        await withDiscardingTaskGroup { cases in
            while !work.stopping.withLock({ $0 }) {
                if await takeOn(work, &cases) { continue }
                await wakeup.wait(upTo: fallback)
            }
            // Shutting down: the cases in hand may finish within the grace period; the rest are cancelled.
            let deadline = ContinuousClock.now + shutdownGrace
            while ContinuousClock.now < deadline, !work.inFlight.withLock({ $0.isEmpty }) {
                await wakeup.wait(upTo: .milliseconds(50))
            }
            cases.cancelAll()
        }
        work.done.signal()
    }

    /// How many cases one read takes on with `inHand` cases in hand: at most half of `maxCases`, as the
    /// committer takes them. The committer waits in the same queue as the case tasks, behind every
    /// task started before it was woken: reading the whole room at once put all of it ahead of the
    /// first commit, and the writer (the part that runs on one core) sat idle until every case of the
    /// first read had run.
    func readLimit(inHand: Int) -> Int {
        min(batchSize, max(1, maxCases / 2), maxCases - inHand)
    }

    /// Reads waiting events of the cases not in hand and starts a task for each case; whether any.
    private func takeOn(_ work: Work, _ cases: inout DiscardingTaskGroup) async -> Bool {
        let busy = work.inFlight.withLock { $0 }
        guard busy.count < maxCases else { return false }
        let snapshot: StepSnapshot
        do {
            snapshot = try await engine.read(limit: readLimit(inHand: busy.count), excluding: busy)
        } catch {
            work.readFailures.failed("could not read waiting events (trying again): \(error)", cause: "\(error)")
            return false
        }
        work.readFailures.recovered("reading waiting events works again")
        let calendar = StepCalendar(
            blueprint: engine.blueprint, busy: snapshot.busy, now: snapshot.now, links: engine.bookingLinks)
        work.inFlight.withLock { inFlight in for one in snapshot.cases { inFlight.insert(one.caseID) } }
        for one in snapshot.cases {
            cases.addTask { [step = engine.step] in
                let outcome = await step.run(one, now: snapshot.now, calendar: calendar)
                // Cut short by shutdown: nothing of it is kept, its events wait untried.
                if Task.isCancelled {
                    _ = work.inFlight.withLock { $0.remove(one.caseID) }
                } else {
                    work.finished.withLock { $0.append(outcome) }
                }
                work.done.signal()
            }
        }
        return !snapshot.cases.isEmpty
    }

    /// Commits finished cases together, as they come in, until shutdown leaves nothing in hand: at
    /// most half of `maxCases` at a time, oldest first. The commit is the one part that runs on a
    /// single core, so while one half commits, the cases read into the room the half before it left
    /// run their skills on the other cores; taking every finished case at once made the read, the
    /// skills and the commit follow each other.
    private func commitLoop(_ work: Work) async throws {
        let most = max(1, maxCases / 2)
        while true {
            if work.finished.withLock({ $0.isEmpty }) { await work.done.wait(upTo: fallback) }
            let outcomes = work.finished.withLock { finished in
                let taken = Array(finished.prefix(most))
                finished.removeFirst(taken.count)
                return taken
            }
            if !outcomes.isEmpty {
                do {
                    let result = try await engine.commit(outcomes)
                    work.commitFailures.recovered("committing works again")
                    if result.processed > 0 {
                        log("processed \(result.processed) event\(result.processed == 1 ? "" : "s")")
                    }
                    if !result.conflicts.isEmpty {
                        log("\(result.conflicts.count) cases changed meanwhile; they run again")
                    }
                } catch {
                    // The store failed (full, read-only): nothing was written; the events wait and run again.
                    // Said once a minute at most: a full disk fails every second until space is freed.
                    work.commitFailures.failed(
                        "could not commit \(outcomes.count) cases (they run again in a second): \(error)",
                        cause: "\(error)")
                    try await Task.sleep(for: .seconds(1))
                }
                work.inFlight.withLock { inFlight in for outcome in outcomes { inFlight.remove(outcome.caseID) } }
                wakeup.signal()
                committed?.signal()
            }
            let idle = work.inFlight.withLock { $0.isEmpty } && work.finished.withLock { $0.isEmpty }
            if work.stopping.withLock({ $0 }) && idle { return }
        }
    }
}
