import Foundation
import GRDBSQLite
import Testing

@testable import Orchestrator

/// SQLite's process-wide settings, applied as the process loads.
struct SQLiteSettingsTests {
    @Test("SQLite took the settings before its first connection, and counts no allocations under a store's writes")
    func memoryStatisticsAreOff() async throws {
        #expect(SQLiteProcessSettings.applied)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-sqlite-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        let now = Date()
        try await store.transaction { tx in
            for line in 0..<200 {
                try tx.appendAudit(at: now, caseID: "case-1", agent: nil, kind: .event, detail: "line \(line)")
            }
        }
        // With statistics on (SQLite's default), every allocation is counted under one process-wide
        // mutex, and an open store alone holds hundreds of kilobytes.
        #expect(sqlite3_memory_used() == 0)
        let lines = try await store.auditLines(
            from: now.addingTimeInterval(-1), to: now.addingTimeInterval(1), kinds: [.event])
        #expect(lines.count == 200)
    }
}
