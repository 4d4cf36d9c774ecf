import BatonTestSupport
import Blueprint
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Orchestrator

/// The engine as a service: what it takes on and what it commits together.
struct EngineServiceTests {
    @Test(
        "commits at most half of the cases in hand at a time, so the next cases run during a commit; every lead is answered"
    )
    func commitsAtMostHalfOfTheCasesInHand() async throws {
        let r = try DeadLetterTests.runtime()
        let leads = 40
        for i in 0..<leads {
            try r.store.submit(
                type: "lead.received", caseID: "lead-\(i)", payload: DeadLetterTests.lead(i), producer: "intake")
        }
        let processed = Mutex<[Int]>([])
        let service = EngineService(
            engine: r.engine, maxCases: 6,
            log: { line in
                guard line.hasPrefix("processed "), let n = Int(line.split(separator: " ")[1]) else { return }
                processed.withLock { $0.append(n) }
            })
        let group = ServiceGroup(services: [service], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let running = Task { try await group.run() }
        let answered = try await eventually(within: .seconds(120), looks: 2_000, every: .milliseconds(20)) {
            try r.store.events().allSatisfy { $0.status != .pending || $0.dueAt != nil }
        }
        #expect(answered, "events still waiting after 120 s")
        await group.triggerGracefulShutdown()
        try await running.value

        let events = try r.store.events()
        let perCase = Dictionary(grouping: events.filter { $0.dueAt == nil }, by: \.caseID).mapValues(\.count)
        let most = try #require(perCase.values.max())
        let commits = processed.withLock { $0 }
        #expect(perCase.count == leads)
        #expect(commits.reduce(0, +) == perCase.values.reduce(0, +))
        // Three cases of the six in hand at most: their events, and no more, in any one commit.
        #expect(commits.allSatisfy { $0 <= 3 * most }, "events per commit \(commits), at most \(most) a case")
        #expect(try r.store.outbox().filter { $0.action == .emailSend }.count >= leads)
    }

    @Test("reads at most half of the cases it may hold at a time, so the first commit need not wait for all of them")
    func readsAtMostHalfOfTheRoom() throws {
        let r = try DeadLetterTests.runtime()
        let service = EngineService(engine: r.engine, batchSize: 256, maxCases: 256)
        #expect(service.readLimit(inHand: 0) == 128)
        #expect(service.readLimit(inHand: 128) == 128)
        #expect(service.readLimit(inHand: 200) == 56)
        #expect(EngineService(engine: r.engine, batchSize: 50, maxCases: 256).readLimit(inHand: 0) == 50)
        #expect(EngineService(engine: r.engine, maxCases: 1).readLimit(inHand: 0) == 1)
    }
}
