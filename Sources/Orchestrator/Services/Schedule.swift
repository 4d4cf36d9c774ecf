import Foundation

/// The runtime's clock jobs and when each is next due: a pure value over the times it is given,
/// so it is tested without waiting (``SchedulerService`` runs it on the real clock).
public struct Schedule: Sendable, Equatable {
    /// A job the clock runs.
    public enum Job: String, Sendable, CaseIterable, Comparable {
        /// Read the outside calendar's busy times.
        case calendarRefresh = "calendar refresh"
        /// Remind, escalate or reject approvals that waited past their rule's timeout.
        case approvalTimeouts = "approval timeouts"
        /// Write the daily report when its local time has come (the job itself knows the time).
        case dailyReport = "daily report"
        /// Write the weekly report when Monday midnight has come (``WeeklyReportJob`` knows the time).
        case weeklyReport = "weekly report"
        /// Raise `invoice.due` for unpaid invoices at their local mornings (``BooksClock``).
        case books = "books clock"

        public static func < (a: Job, b: Job) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// One run of a job: the job and the time it was due (the run's name among workers).
    public struct Run: Sendable, Hashable, Comparable {
        public let job: Job
        public let due: Date

        public static func < (a: Run, b: Run) -> Bool { a.job == b.job ? a.due < b.due : a.job < b.job }
    }

    /// Each job's interval.
    public let intervals: [Job: TimeInterval]
    /// Whether due times are on the grid of each interval (multiples of it since 1970), the same
    /// for every worker that shares the store's clock jobs (``ClockStorage/sharesClockJobs``).
    public let onGrid: Bool
    /// When each job is next due.
    public private(set) var due: [Job: Date]
    /// Runs another worker had in hand, and when to look at each again (if that worker died, the
    /// run is still to do).
    public private(set) var rechecks: [Run: Date] = [:]

    /// Every job in `intervals` is due at `start`, then every interval after it last ran (on the
    /// grid: at the next multiple of the interval).
    public init(intervals: [Job: TimeInterval], start: Date, onGrid: Bool = false) {
        self.intervals = intervals.filter { $0.value > 0 }
        self.onGrid = onGrid
        due = self.intervals.mapValues { _ in start }
    }

    /// The jobs due at `now`, in a fixed order; each is next due one interval after `now` (on the
    /// grid: at the next grid time after `now`). A clock that jumps ahead runs a job once, not once
    /// per missed interval.
    public mutating func take(at now: Date) -> [Job] {
        let jobs = due.filter { $0.value <= now }.keys.sorted()
        for job in jobs { due[job] = slot(of: job, at: now).addingTimeInterval(intervals[job]!) }
        return jobs
    }

    /// The runs to do at `now`, in a fixed order: the jobs ``take(at:)`` gives, each as the run due
    /// at its slot, and the rechecks whose time has come.
    public mutating func runs(at now: Date) -> [Run] {
        var runs = Set(rechecks.filter { $0.value <= now }.keys)
        for run in runs { rechecks[run] = nil }
        for job in take(at: now) { runs.insert(Run(job: job, due: slot(of: job, at: now))) }
        return runs.sorted()
    }

    /// Looks at `run` again at `time` (another worker had it in hand).
    public mutating func recheck(_ run: Run, at time: Date) { rechecks[run] = time }

    /// The due time a run of `job` at `now` stands for: on the grid, the last grid time at or
    /// before `now`; else `now`.
    public func slot(of job: Job, at now: Date) -> Date {
        guard onGrid, let interval = intervals[job] else { return now }
        return Date(timeIntervalSince1970: (now.timeIntervalSince1970 / interval).rounded(.down) * interval)
    }

    /// When the next job or recheck is due, if any job is scheduled.
    public var nextDue: Date? { (Array(due.values) + Array(rechecks.values)).min() }
}
