import BatonTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// What the PostgreSQL store does to spend fewer round trips and lock waits per commit, held to
/// the SQLite store's results: audit lines held and written at commit in one statement
/// (`AuditBuffer`), and running counts kept in shards so workers' commits do not wait on one row.
@Suite("PostgreSQL commit batching", .serialized)
struct CommitBatchingTests {
    /// One audit line a generated transaction writes, or a savepoint around some of them that is
    /// kept or rolled back.
    indirect enum Write: Sendable {
        case line(caseID: String, agent: String?, kind: AuditKind, detail: String, notes: String?, second: Int)
        case savepoint([Write], rolledBack: Bool)

        /// The lines a store keeps of it, in order.
        var kept: [Write] {
            switch self {
            case .line: [self]
            case .savepoint(let inner, let rolledBack): rolledBack ? [] : inner.flatMap(\.kept)
            }
        }
    }

    struct RolledBack: Error {}

    static func generate(_ random: inout SplitMix, depth: Int = 0) -> [Write] {
        let kinds: [AuditKind] = [.event, .skill, .denied, .approval, .allowed]
        let words = HostileText.words + HostileText.hostile.filter { !$0.unicodeScalars.contains("\u{0}") }
        return (0..<random.below(depth == 0 ? 40 : 6)).map { _ in
            if depth < 2 && random.chance(15) {
                return .savepoint(generate(&random, depth: depth + 1), rolledBack: random.chance(50))
            }
            // Now and then a case id too long to hold (written at once, after those held).
            let caseID =
                random.chance(5) ? String(repeating: "long-", count: 300) : "case-\(random.below(6))"
            return .line(
                caseID: caseID, agent: random.chance(30) ? nil : random.pick(["qualifier", "drafter", ""]),
                kind: random.pick(kinds), detail: (0..<random.below(4)).map { _ in random.pick(words) }.joined(separator: " "),
                notes: random.chance(60) ? nil : #"{"summary":"\#(random.below(100))"}"#, second: random.below(86_400))
        }
    }

    static func write(_ writes: [Write], _ tx: any RuntimeTransaction, base: Date) throws {
        for write in writes {
            switch write {
            case let .line(caseID, agent, kind, detail, notes, second):
                try tx.appendAudit(
                    at: base.addingTimeInterval(Double(second) + 0.001 * Double(second % 1000)), caseID: caseID,
                    agent: agent, kind: kind, detail: detail, notesJSON: notes)
            case let .savepoint(inner, rolledBack):
                try? tx.atomically {
                    try Self.write(inner, tx, base: base)
                    if rolledBack { throw RolledBack() }
                }
            }
        }
    }

    @Test("generated audit lines, some in savepoints rolled back: both stores keep the same lines, in the order written")
    func auditLinesInOrder() async throws {
        var random = SplitMix(seed: 1616)
        let clock = TestClock()
        for round in 0..<12 {
            let writes = Self.generate(&random)
            let expected = writes.flatMap(\.kept)
            var read: [[AuditEntry]] = []
            for store in try await StoreKind.both(clock: clock) {
                try await store.transaction { tx in try Self.write(writes, tx, base: clock.now) }
                read.append(try await store.auditAsync(caseID: nil))
            }
            #expect(read[0].count == expected.count, "round \(round)")
            #expect(read[0].map(\.detail) == read[1].map(\.detail), "round \(round)")
            #expect(read[0].map(\.caseID) == read[1].map(\.caseID), "round \(round)")
            #expect(read[0].map(\.agent) == read[1].map(\.agent), "round \(round)")
            #expect(read[0].map(\.kind) == read[1].map(\.kind), "round \(round)")
            #expect(read[0].map(\.notesJSON) == read[1].map(\.notesJSON), "round \(round)")
            // To the millisecond, as both stores keep times.
            func milliseconds(_ lines: [AuditEntry]) -> [Int64] {
                lines.map { Int64(($0.at.timeIntervalSince1970 * 1000).rounded()) }
            }
            #expect(milliseconds(read[0]) == milliseconds(read[1]), "round \(round)")
            // In the order written: ids rise with it.
            #expect(read[1].map { $0.id ?? 0 } == read[1].map { $0.id ?? 0 }.sorted(), "round \(round)")
        }
    }

    @Test("a transaction that throws keeps none of the lines it held")
    func heldLinesRollBack() async throws {
        let clock = TestClock()
        for store in try await StoreKind.both(clock: clock) {
            await #expect(throws: RolledBack.self) {
                try await store.transaction { tx in
                    try tx.appendAudit(at: clock.now, caseID: "c", agent: nil, kind: .event, detail: "held")
                    throw RolledBack()
                }
            }
            #expect(try await store.auditAsync(caseID: nil).isEmpty)
        }
    }

    @Test("four workers' connections add to one count in shards: the totals are the sum, none lost")
    func shardedCounts() async throws {
        let settings = try PostgresSettings(url: try await TestServer.address(), environment: [:])
        let tenant = try Tenant.fresh()
        var workers: [PostgresStore] = []
        for _ in 0..<4 { workers.append(try await PostgresStore.open(settings, tenant: tenant)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, worker) in workers.enumerated() {
                group.addTask {
                    for i in 0..<25 {
                        try await worker.submit(
                            try IntakeEvent(
                                type: "lead.received", caseID: "w\(n)-\(i)", payload: ["n": "\(i)"], producer: "intake"))
                    }
                }
            }
            try await group.waitForAll()
        }
        let facts = try await workers[0].metricsFacts(at: Date())
        #expect(facts.totals["events"] == 100)
        #expect(facts.ready == 100)
        // Deleting through the trigger takes 1 from the total, not from every shard.
        try await workers[0].write { tx in try tx.run("DELETE FROM event WHERE case_id = 'w0-0'") }
        #expect(try await workers[1].metricsFacts(at: Date()).totals["events"] == 99)
        for worker in workers { await worker.close() }
    }
}
