import Foundation
import ServiceLifecycle

/// Runs the clock jobs of a ``Schedule`` as they fall due, on the runtime's clock. A job that fails
/// is said in the log and runs again at its next time; it never stops the others. Each run goes
/// through the store (``ClockStorage``): on a store several workers share, a run another worker did
/// is skipped, and one another worker has in hand is looked at again shortly, so each due time is
/// one run across the workers, and still one when the worker running it dies.
public struct SchedulerService: Service {
    /// What a job does; returns a line for the log, or nil when it had nothing to say.
    public typealias Work = @Sendable () async throws -> String?

    let intervals: [Schedule.Job: TimeInterval]
    let jobs: [Schedule.Job: Work]
    let runs: any ClockStorage
    let clock: @Sendable () -> Date
    let log: @Sendable (String) -> Void
    /// Each job's failures, said at most once a minute (a job failing at each of its times: the disk full).
    let failures: [Schedule.Job: RepeatedFailureLog]

    /// How soon a run another worker has in hand is looked at again (at most the job's interval).
    static let recheckAfter: TimeInterval = 1

    /// - Parameters:
    ///   - jobs: each job with its interval in seconds and what it does.
    ///   - runs: the store the runs are claimed in.
    ///   - clock: the runtime's clock (``RuntimeStorage/clock``).
    package init(
        jobs: [Schedule.Job: (every: TimeInterval, work: Work)], runs: any ClockStorage,
        clock: @escaping @Sendable () -> Date, log: @escaping @Sendable (String) -> Void
    ) {
        intervals = jobs.mapValues(\.every)
        self.jobs = jobs.mapValues(\.work)
        self.runs = runs
        self.clock = clock
        self.log = log
        failures = Dictionary(uniqueKeysWithValues: jobs.keys.map { ($0, RepeatedFailureLog(log: log)) })
    }

    /// A schedule of this service's jobs from `start`, on the grid when the store's runs are shared.
    package func schedule(start: Date) -> Schedule {
        Schedule(intervals: intervals, start: start, onGrid: runs.sharesClockJobs)
    }

    public func run() async throws {
        var schedule = schedule(start: clock())
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await pass(&schedule)
            let wait = max(
                0.05, min(60, (schedule.nextDue ?? clock().addingTimeInterval(60)).timeIntervalSince(clock())))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(wait)) }
        }
    }

    /// Does the runs due now on `schedule`, one after another.
    package func pass(_ schedule: inout Schedule) async {
        let now = clock()
        for run in schedule.runs(at: now) {
            guard let work = jobs[run.job] else { continue }
            let failures = failures[run.job]
            do {
                switch try await runs.runClockJob(run.job.rawValue, due: run.due, work) {
                case .ran(let line):
                    if let line { log(line) }
                    failures?.recovered("\(run.job.rawValue) works again")
                case .done: break
                case .busy:
                    schedule.recheck(run, at: now.addingTimeInterval(min(Self.recheckAfter, intervals[run.job] ?? 1)))
                }
            } catch {
                failures?.failed(
                    "\(run.job.rawValue) failed (it runs again at its next time): \(error)", cause: "\(error)")
            }
        }
    }
}
