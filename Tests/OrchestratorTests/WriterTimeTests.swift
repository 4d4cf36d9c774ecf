import Foundation
import Testing

@testable import Orchestrator

/// The writer's time, which the orchestrator benchmark prints beside its throughput.
struct WriterTimeTests {
    struct Refused: Error {}

    @Test("counts each write transaction from its start to its commit, and one that rolls back")
    func countsTheTransactionsOfTheWriter() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-writer-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        #expect(store.writerTime.total == .zero)

        let caseID = try await store.transaction { tx in
            Thread.sleep(forTimeInterval: 0.05)
            try tx.appendAudit(at: Date(), caseID: "case-1", agent: nil, kind: .event, detail: "counted")
            return "case-1"
        }
        #expect(caseID == "case-1")
        let committed = store.writerTime.total
        #expect(committed >= .milliseconds(50) && committed < .seconds(10), "\(committed)")

        await #expect(throws: Refused.self) {
            try await store.transaction { _ in
                Thread.sleep(forTimeInterval: 0.05)
                throw Refused()
            }
        }
        #expect(store.writerTime.total - committed >= .milliseconds(50), "\(store.writerTime.total)")
    }
}
