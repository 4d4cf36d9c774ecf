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

    /// Each job's interval.
    public let intervals: [Job: TimeInterval]
    /// When each job is next due.
    public private(set) var due: [Job: Date]

    /// Every job in `intervals` is due at `start`, then every interval after it last ran.
    public init(intervals: [Job: TimeInterval], start: Date) {
        self.intervals = intervals.filter { $0.value > 0 }
        due = self.intervals.mapValues { _ in start }
    }

    /// The jobs due at `now`, in a fixed order; each is next due one interval after `now` (a clock
    /// that jumps ahead runs a job once, not once per missed interval).
    public mutating func take(at now: Date) -> [Job] {
        let jobs = due.filter { $0.value <= now }.keys.sorted()
        for job in jobs { due[job] = now.addingTimeInterval(intervals[job]!) }
        return jobs
    }

    /// When the next job is due, if any job is scheduled.
    public var nextDue: Date? { due.values.min() }
}
