import BatonTestSupport
import Foundation
import Testing

@testable import Orchestrator

/// The write-ahead log is copied into the database as it grows, also for a store that a new
/// workspace creates: its checkpointer's connection was opened before the file went to WAL.
@Suite struct WALCheckpointTests {
    @Test func aNewWorkspacesLogIsCopiedIntoTheDatabase() async throws {
        let folder = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        let database = folder + "/runtime.sqlite"
        let log = database + "-wal"
        // 400 events of 16 KiB: about 1,600 pages of 4 KiB, past the checkpointer's 1,000.
        let filler = String(repeating: "x", count: 16 * 1024)
        for i in 0..<400 {
            try await store.submit(
                IntakeEvent(
                    type: "lead.received", caseID: "lead-\(i)", payload: ["message": filler], producer: "intake"))
        }
        // Checkpointed pages land in the database file; before, it kept its first pages and the log
        // held every commit (6 MiB and growing).
        let copied = try await eventually(within: .seconds(60), looks: 100, every: .milliseconds(50)) {
            Self.size(database) > 4 * 1024 * 1024
        }
        #expect(copied, "database \(Self.size(database)) bytes, log \(Self.size(log)) bytes")
    }

    private static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }
}
