import Foundation
import Orchestrator
import PostgresNIO

/// The clock jobs of several workers (``ClockStorage``): each run of a job is claimed by a
/// transaction on a connection of its own that holds the job's advisory lock
/// (`pg_try_advisory_xact_lock`, keyed by the tenant and the job) while the run works, checks
/// `schedule_state` for the run done already, and records it done (`clock: JOB`, its due time)
/// when it ends, in the same transaction. A worker that dies mid-run loses its connection: the
/// server rolls the transaction back and frees the lock, and the run is another worker's to do.
/// The lock is never waited for: a worker that finds it taken looks again shortly.
extension PostgresStore: ClockStorage {
    package var sharesClockJobs: Bool { true }

    package func runClockJob(_ job: String, due: Date, _ work: @escaping @Sendable () async throws -> String?)
        async throws -> ClockRun
    {
        let (name, due, logger) = ("clock: \(job)", StoredTime.rounded(due), logger)
        return try await client.withConnection { connection in
            let outcome: Result<String?, any Error>
            do {
                try await connection.query("BEGIN", logger: logger)
                let claimed = try await Self.first(
                    connection, "SELECT pg_try_advisory_xact_lock(hashtext(current_schema()), hashtext(\(name)))",
                    as: Bool.self, logger: logger)
                guard claimed == true else {
                    try await connection.query("ROLLBACK", logger: logger)
                    return .busy
                }
                let last = try await Self.first(
                    connection, "SELECT last_run FROM schedule_state WHERE name = \(name)", as: Date.self,
                    logger: logger)
                if let last, last >= due {
                    try await connection.query("ROLLBACK", logger: logger)
                    return .done
                }
                do {
                    outcome = .success(try await work())
                } catch {
                    // A worker that stops mid-run leaves the run undone (the rollback below).
                    if Task.isCancelled { throw error }
                    outcome = .failure(error)
                }
                try await connection.query(
                    """
                    INSERT INTO schedule_state (name, last_run) VALUES (\(name), \(due))
                    ON CONFLICT (name) DO UPDATE SET last_run = excluded.last_run
                    """, logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                // A connection left in a transaction must never go back to the pool.
                do { try await connection.query("ROLLBACK", logger: logger) } catch { try? await connection.close() }
                throw error
            }
            return .ran(try outcome.get())
        }
    }

    /// The first column of the first row `query` returns on `connection`, if any.
    private static func first<T: PostgresDecodable>(
        _ connection: PostgresConnection, _ query: PostgresQuery, as type: T.Type, logger: Logger
    ) async throws -> T? {
        for try await row in try await connection.query(query, logger: logger) { return try row.decode(T.self) }
        return nil
    }
}
