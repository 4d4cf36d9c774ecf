import BatonTestSupport
import Blueprint
import Foundation
import GRDB
import Testing

@testable import Orchestrator

/// The running counts of the SQLite store (`runtime_count`): emitted events and queued actions
/// counted by their writers once per transaction (``RunningCountDeltas``), the rest by triggers;
/// either way they always equal a count of the rows themselves.
@Suite("Running counts on SQLite")
struct RunningCountDeltaTests {
    struct RolledBackOnPurpose: Error {}

    @Test(
        "after generated commits, savepoints and transactions rolled back, intake events, approvals and dead actions, every count is a recount",
        arguments: 0..<4)
    func runningCountsAreARecount(seed: UInt64) async throws {
        let store = try RuntimeStore(folder: HistoryCostTests.folder())
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let actions: [ActionKind] = [.emailSend, .crmUpdate, "calendar.book"]
        var random = SplitMix(seed: 7_100 + seed)
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
            let caseByCase = random.chance(40)
            let written: [Int64]? = try? await store.transaction { tx in
                func write() throws -> [Int64] {
                    let ids = try inserts.map { status in
                        try tx.insertEvent(
                            EmittedEventRow(
                                type: "t", caseID: caseID, causationID: 1, payloadJSON: "{}", producer: "p",
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
                    try store.submit(type: "lead.received", caseID: caseID, payload: [:], producer: "intake"))
            }
            // An approval decided: its action is queued by the approval, not the engine.
            if random.chance(20) {
                let action = random.pick(actions)
                let id = try await store.transaction { tx in
                    try tx.insertApproval(
                        ApprovalRecord(
                            id: nil, caseID: caseID, agent: "a", action: action, proposedJSON: "{}",
                            reason: "r", status: .pending, createdAt: now, approvedJSON: nil, decision: nil,
                            decidedAt: nil, evidenceJSON: nil))
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
    }

    /// Whether `name` counts rows of the event or outbox table (the others count other things).
    static func isRowCount(_ name: String) -> Bool {
        name == "events" || name == "events.cancelled" || name.hasPrefix("actions.") || name.hasPrefix("actions_dead.")
    }

    /// The counts as the rows say them.
    static func recount(_ store: RuntimeStore) async throws -> [String: Int] {
        try await store.database.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT 'events' AS name, count(*) AS n FROM event
                    UNION ALL SELECT 'events.cancelled', count(*) FROM event WHERE status = 'cancelled'
                    UNION ALL SELECT 'actions.' || action, count(*) FROM outbox GROUP BY action
                    UNION ALL SELECT 'actions_dead.' || action, count(*) FROM outbox WHERE status = 'dead' GROUP BY action
                    """)
            {
                counts[row["name"]] = row["n"]
            }
            return counts
        }
    }
}
