import Foundation
import ServiceLifecycle

/// Runs the clock jobs of a ``Schedule`` as they fall due, on the runtime's clock. A job that fails
/// is said in the log and runs again at its next time; it never stops the others.
public struct SchedulerService: Service {
    /// What a job does; returns a line for the log, or nil when it had nothing to say.
    public typealias Work = @Sendable () async throws -> String?

    let intervals: [Schedule.Job: TimeInterval]
    let jobs: [Schedule.Job: Work]
    let clock: @Sendable () -> Date
    let log: @Sendable (String) -> Void

    /// - Parameters:
    ///   - jobs: each job with its interval in seconds and what it does.
    ///   - clock: the runtime's clock (``RuntimeStore/clock``).
    public init(
        jobs: [Schedule.Job: (every: TimeInterval, work: Work)], clock: @escaping @Sendable () -> Date,
        log: @escaping @Sendable (String) -> Void
    ) {
        intervals = jobs.mapValues(\.every)
        self.jobs = jobs.mapValues(\.work)
        self.clock = clock
        self.log = log
    }

    public func run() async throws {
        var schedule = Schedule(intervals: intervals, start: clock())
        // A job failing at each of its times (the disk full) is said at most once a minute.
        let failures = Dictionary(uniqueKeysWithValues: jobs.keys.map { ($0, RepeatedFailureLog(log: log)) })
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            for job in schedule.take(at: clock()) {
                do {
                    if let line = try await jobs[job]?() { log(line) }
                    failures[job]?.recovered("\(job.rawValue) works again")
                } catch {
                    failures[job]?.failed(
                        "\(job.rawValue) failed (it runs again at its next time): \(error)", cause: "\(error)")
                }
            }
            let wait = max(
                0.05, min(60, (schedule.nextDue ?? clock().addingTimeInterval(60)).timeIntervalSince(clock())))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(wait)) }
        }
    }
}
