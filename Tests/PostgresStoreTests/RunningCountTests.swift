import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// The running counts (`runtime_count`) always equal a count of the rows themselves, on both
/// stores. On PostgreSQL triggers keep them (inserts once per statement, deletes and status changes
/// once per row); on SQLite the writers count the engine's rows once per transaction
/// (`RunningCountDeltas`) and triggers the rest.
@Suite("Running counts", .serialized)
struct RunningCountTests {
    @Test(
        "after generated commits, savepoints and transactions rolled back, intake events, approvals and dead actions, every count is a recount",
        arguments: StoreKind.allCases)
    func runningCountsAreARecount(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        let now = clock.now
        let actions: [ActionKind] = [.emailSend, .crmUpdate, "calendar.book"]
        var random = SplitMix(seed: 4242)
        var events: [Int64] = []
        for round in 0..<60 {
            let caseID = "case-\(round % 5)"
            // One case's writes as the engine makes them: emitted events (handed on or waiting),
            // actions queued or deferred (a repeated key is not queued again), an event cancelled.
            let inserts = (0..<random.below(7)).map { _ in random.pick([EventRecord.Status.done, .pending]) }
            let queued = (0..<random.below(6)).map { _ in
                (key: "key-\(random.below(40))", action: random.pick(actions), deferred: random.chance(20))
            }
            let cancel = events.isEmpty || !random.chance(30) ? nil : random.pick(events)
            let keep = !random.chance(20)
            let held = random.chance(70)
            let caseByCase = random.chance(40)
            let written: [Int64]? = try? await store.transaction { tx in
                if held { tx.holdWrites() }
                func write() throws -> [Int64] {
                    let ids = try inserts.map { status in
                        try tx.insertEvent(
                            EmittedEventRow(
                                type: "t", caseID: caseID, causationID: 0, payloadJSON: "{}", producer: "p",
                                status: status, createdAt: now, dueAt: nil))
                    }
                    for one in queued {
                        if one.deferred {
                            try tx.deferAction(
                                key: one.key, caseID: caseID, agent: "a", action: one.action, payloadJSON: "{}",
                                at: now, goes: now.addingTimeInterval(600))
                        } else {
                            try tx.queueAction(
                                key: one.key, caseID: caseID, agent: "a", action: one.action, payloadJSON: "{}", at: now
                            )
                        }
                    }
                    if let cancel { _ = try tx.finishEvent(cancel, as: .cancelled) }
                    return ids
                }
                var ids: [Int64] = []
                if caseByCase {
                    // As a commit written case by case: a case rolled back in its savepoint, then kept.
                    try? tx.atomically {
                        _ = try write()
                        throw RolledBackOnPurpose()
                    }
                    try tx.atomically { ids = try write() }
                } else {
                    ids = try write()
                }
                guard keep else { throw RolledBackOnPurpose() }
                return ids
            }
            events += written ?? []
            if random.chance(30) {
                events.append(
                    try await store.submit(
                        try IntakeEvent(type: "lead.received", caseID: caseID, payload: [:], producer: "intake")))
            }
            // An approval decided: its action is queued by the approval, not the engine.
            if random.chance(20) {
                let action = random.pick(actions)
                let id = try await store.transaction { tx in
                    try tx.insertApproval(
                        ApprovalRecord(
                            id: nil, caseID: caseID, agent: "a", action: action, proposedJSON: "{}", reason: "r",
                            status: .pending, createdAt: now, approvedJSON: nil, decision: nil, decidedAt: nil,
                            evidenceJSON: nil))
                }
                try await store.approve(id, edited: nil)
            }
            // Some queued actions die as the dispatcher records them.
            if random.chance(25), let item = try await store.dueActions(limit: 1, lane: nil, at: now).first {
                try await store.transaction { tx in
                    var dead = item
                    dead.status = .dead
                    try tx.updateOutboxItem(dead)
                }
            }
            let totals = try await store.metricsFacts(at: now).totals.filter { Self.isRowCount($0.key) }
            let recount = try await Self.recount(store)
            let names = Set(totals.keys).union(recount.keys)
            #expect(
                names.allSatisfy { totals[$0, default: 0] == recount[$0, default: 0] },
                "round \(round): \(totals) against \(recount)")
        }
        #expect(events.count > 50)
        await (store as? PostgresStore)?.close()
    }

    struct RolledBackOnPurpose: Error {}

    /// Whether `name` counts rows of the event or outbox table (the others count other things).
    static func isRowCount(_ name: String) -> Bool {
        name == "events" || name == "events.cancelled" || name.hasPrefix("actions.") || name.hasPrefix("actions_dead.")
    }

    /// The counts as the rows say them.
    static func recount(_ store: any RuntimeStorage) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        if let sqlite = store as? RuntimeStore {
            let events = try sqlite.events()
            counts["events"] = events.count
            counts["events.cancelled"] = events.filter { $0.status == .cancelled }.count
            for item in try sqlite.outbox() {
                counts["actions." + item.action.rawValue, default: 0] += 1
                if item.status == .dead { counts["actions_dead." + item.action.rawValue, default: 0] += 1 }
            }
            return counts
        }
        let postgres = try #require(store as? PostgresStore)
        for row in try await postgres.rows(
            """
            SELECT 'events' AS name, count(*) AS n FROM event
            UNION ALL SELECT 'events.cancelled', count(*) FROM event WHERE status = 'cancelled'
            UNION ALL SELECT 'actions.' || action, count(*) FROM outbox GROUP BY action
            UNION ALL SELECT 'actions_dead.' || action, count(*) FROM outbox WHERE status = 'dead' GROUP BY action
            """)
        {
            counts[try row("name", as: String.self)] = Int(try row("n", as: Int64.self))
        }
        return counts
    }
}
