import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// The running counts (`runtime_count`, kept by triggers: inserts once per statement, deletes and
/// status changes once per row) always equal a count of the rows themselves.
@Suite("Running counts on PostgreSQL")
struct RunningCountTests {
    @Test("after generated commits of many rows per statement, repeats and rollbacks, every count is a recount")
    func runningCountsAreARecount() async throws {
        let store = try await PostgresStore.fresh()
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let actions: [ActionKind] = [.emailSend, .crmUpdate, "calendar.book"]
        var random = SplitMix(seed: 4242)
        var events: [Int64] = []
        for round in 0..<60 {
            // Stored as the engine stores emitted events: handed on (done) or waiting; an event is
            // cancelled later, by an update.
            let inserts = (0..<random.below(7)).map { _ in random.pick([EventRecord.Status.done, .pending]) }
            let queued = (0..<random.below(6)).map { _ in
                (key: "key-\(random.below(40))", action: random.pick(actions), deferred: random.chance(20))
            }
            let cancel = events.isEmpty || !random.chance(30) ? nil : random.pick(events)
            let keep = !random.chance(20)
            let held = random.chance(70)
            let written: [Int64]? = try? await store.transaction { tx in
                if held { tx.holdWrites() }
                let ids = try inserts.map { status in
                    try tx.insertEvent(
                        EmittedEventRow(
                            type: "t", caseID: "case-\(round % 5)", causationID: 0, payloadJSON: "{}", producer: "p",
                            status: status, createdAt: now, dueAt: nil))
                }
                for one in queued {
                    if one.deferred {
                        try tx.deferAction(
                            key: one.key, caseID: "case-\(round % 5)", agent: "a", action: one.action,
                            payloadJSON: "{}", at: now, goes: now.addingTimeInterval(600))
                    } else {
                        try tx.queueAction(
                            key: one.key, caseID: "case-\(round % 5)", agent: "a", action: one.action,
                            payloadJSON: "{}", at: now)
                    }
                }
                if let cancel { _ = try tx.finishEvent(cancel, as: .cancelled) }
                guard keep else { throw RolledBackOnPurpose() }
                return ids
            }
            events += written ?? []
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
            #expect(names.allSatisfy { totals[$0, default: 0] == recount[$0, default: 0] }, "round \(round): \(totals) against \(recount)")
        }
        #expect(events.count > 50)
        await store.close()
    }

    struct RolledBackOnPurpose: Error {}

    /// Whether `name` counts rows of the event or outbox table (the others count other things).
    static func isRowCount(_ name: String) -> Bool {
        name == "events" || name == "events.cancelled" || name.hasPrefix("actions.") || name.hasPrefix("actions_dead.")
    }

    /// The counts as the rows say them.
    static func recount(_ store: PostgresStore) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await store.rows(
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
