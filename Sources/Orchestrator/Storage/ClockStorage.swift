import Foundation

/// How the clock's jobs (``Schedule/Job``) are shared by the workers of one store. On the SQLite
/// store one process runs (the data folder's run lock), so each job simply runs at its times. On a
/// store several `baton run` workers share, each due time of a job is one run across all of them:
/// the run is claimed in the database, held while it works, and recorded done in the same
/// transaction, so a second worker finds it done or in hand, and a worker that dies mid-run gives
/// the claim back (its transaction rolls back) for another to take.
package protocol ClockStorage: Sendable {
    /// Whether several workers share this store's clock jobs: their due times are then on a grid
    /// every worker computes alike (multiples of the job's interval since 1970), so they name the
    /// same run.
    var sharesClockJobs: Bool { get }

    /// Runs `work` as the run of `job` due at `due`, unless that run is done already (``ClockRun/done``)
    /// or another worker has it in hand now (``ClockRun/busy``: look again shortly; if that worker
    /// dies, the run is still to do). A run whose work throws counts as done (the job runs again at
    /// its next time, as on one worker) and the error is thrown; one whose task is cancelled while
    /// it works is not done.
    func runClockJob(_ job: String, due: Date, _ work: @escaping @Sendable () async throws -> String?)
        async throws -> ClockRun
}

/// What became of one run of a clock job.
package enum ClockRun: Sendable, Equatable {
    /// This worker ran it; the line its work returned for the log, if any.
    case ran(String?)
    /// Another worker ran it already.
    case done
    /// Another worker is running it now.
    case busy
}
