import Foundation

/// The SQLite store's clock jobs: one process runs on a data folder (its run lock), so every run is
/// this process's to do.
extension RuntimeStore: ClockStorage {
    package var sharesClockJobs: Bool { false }

    package func runClockJob(_ job: String, due: Date, _ work: @escaping @Sendable () async throws -> String?)
        async throws -> ClockRun
    {
        .ran(try await work())
    }
}
