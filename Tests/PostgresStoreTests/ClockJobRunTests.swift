import BatonTestSupport
import Foundation
import Glibc
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// The clock jobs of real `baton run` workers sharing one tenant: three workers, each in a data
/// folder of its own, two on a runtime clock just before the daily report's time; the first is
/// killed before its clock reaches it. The report is written once, in one folder, and its run is
/// recorded in the database (`clock: daily report`): the wiring through the real binary. Each worker's clock starts
/// when its process does, so the two living ones reach the time a moment apart and rarely race;
/// the race itself (workers at the same instant, one killed mid-run) is ``ClockJobTests``'.
@Suite("Clock jobs of real workers", .serialized)
struct ClockJobRunTests {
    @Test("three baton run workers write the daily report once")
    func threeWorkersOneDailyReport() async throws {
        let url = try await TestServer.address()
        let tenant = StoreCommandTests.freshTenant()
        let blueprint = TenantIsolationRunTests.golden
        let folders = (0..<3).map { _ in BatonBinary.temporaryFolder() }
        let on = ["--store", url, "--tenant", tenant, "--data-dir", folders[0]]
        #expect(try await StoreCommandTests.baton(["store", "migrate"] + on).status == 0)
        // The last report was yesterday's (17:30 in Edmonton, MDT: 23:30 UTC); today's is due in 3 s.
        let store = try await PostgresStore.open(
            try PostgresSettings(url: url, environment: [:]), tenant: try Tenant(explicit: tenant))
        let yesterday = try #require(ISO8601DateFormatter().date(from: "2026-03-09T23:30:00Z"))
        try await store.transaction { try $0.setLastRun("daily_report", at: yesterday) }
        var workers: [RunningWorker] = []
        defer { for worker in workers { kill(worker.process.processIdentifier, SIGKILL) } }
        // The first worker's clock starts ten minutes early, so it is killed before the report is
        // due however long the start takes on a loaded machine (under load, three starts in a row
        // took longer than the 3 s, and a worker killed mid-run leaves its file behind by design).
        for (index, folder) in folders.enumerated() {
            let now = index == 0 ? "2026-03-10T23:20:00Z" : "2026-03-10T23:29:57Z"
            workers.append(
                try await RunningWorker.start(
                    blueprint: blueprint, url: url, tenant: tenant, data: folder,
                    environment: ["BATON_NOW": now, "BATON_INTAKE_TOKEN": "clock"]))
            if index == 0 { try await workers[0].stop(SIGKILL) }
        }
        /// The daily reports written in each folder.
        func reports() -> [[String]] {
            folders.map { folder in
                ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/reports")) ?? []).filter {
                    $0.hasSuffix(".md")
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(180)
        while reports().joined().isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        // Another slot of the job (every 15 s) passes on both living workers.
        try await Task.sleep(for: .seconds(17))
        let written = reports()
        #expect(written.joined().count == 1, "reports per folder: \(written)")
        let today = try #require(ISO8601DateFormatter().date(from: "2026-03-10T23:30:00Z"))
        #expect(try await store.lastRun("daily_report") == today)
        #expect(try await store.lastRun("clock: daily report") != nil)
        for worker in workers.dropFirst() { try await worker.stop() }
        await store.close()
    }
}
