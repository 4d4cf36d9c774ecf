import Foundation
import Testing

@testable import Orchestrator

/// The writer's time, which the orchestrator benchmark prints beside its throughput.
struct WriterTimeTests {
    struct Refused: Error {}

    @Test("counts each write transaction, committed or rolled back, within the time the call took")
    func countsTheTransactionsOfTheWriter() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-writer-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        #expect(store.writerTime.total == .zero)
        let clock = ContinuousClock()

        var started = clock.now
        let caseID = try await store.transaction { tx in
            for line in 0..<200 {
                try tx.appendAudit(at: Date(), caseID: "case-1", agent: nil, kind: .event, detail: "line \(line)")
            }
            return "case-1"
        }
        let committedCall = clock.now - started
        #expect(caseID == "case-1")
        let committed = store.writerTime.total
        #expect(committed > .zero && committed <= committedCall, "\(committed) of \(committedCall)")

        started = clock.now
        await #expect(throws: Refused.self) {
            try await store.transaction { tx in
                try tx.appendAudit(at: Date(), caseID: "case-1", agent: nil, kind: .event, detail: "rolled back")
                throw Refused()
            }
        }
        let rolledBackCall = clock.now - started
        let rolledBack = store.writerTime.total - committed
        #expect(rolledBack > .zero && rolledBack <= rolledBackCall, "\(rolledBack) of \(rolledBackCall)")
    }
}
