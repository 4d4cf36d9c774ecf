import BatonTestSupport
import Foundation
import GRDB
import Testing

@testable import Orchestrator

/// The commit writes a step straight when nothing changed under it, and falls back to a savepoint
/// per case when something did: a case whose context moved on is left for a new snapshot, a case
/// whose writes the store refuses has its try counted — and every other case is committed as if
/// nothing had happened.
struct CommitFallbackTests {
    /// Generated rounds: 12 leads a round, some of whose contexts another writer changes between
    /// the step's read and its commit, and some whose reply the store refuses.
    @Test(arguments: 0..<20)
    func conflictsAndRefusalsLeaveOnlyThemselvesOut(seed: Int) async throws {
        var random = SplitMix(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 7)
        let r = try DeadLetterTests.runtime()
        let leads = (0..<12).map { "lead-\($0)" }
        for (n, caseID) in leads.enumerated() {
            try r.store.submit(type: "lead.received", caseID: caseID, payload: DeadLetterTests.lead(n), producer: "intake")
        }
        let snapshot = try await r.engine.read(limit: 256, excluding: [])
        let outcomes = await r.engine.run(snapshot.cases, snapshot)
        // Chosen per round: none, one or several of each (a round with neither takes the straight path).
        let moved = Set(leads.filter { _ in Int.random(in: 0..<5, using: &random) == 0 })
        let refused = Set(leads.filter { !moved.contains($0) && Int.random(in: 0..<6, using: &random) == 0 })
        for one in snapshot.cases where moved.contains(one.caseID) {
            _ = try await r.store.transaction { tx in
                try tx.writeContext(caseID: one.caseID, contextJSON: "{}", version: one.version + 1, expected: one.version)
            }
        }
        if !refused.isEmpty {
            let names = refused.map { "'\($0)'" }.joined(separator: ",")
            try await r.store.database.write { db in
                try db.execute(
                    sql: """
                        CREATE TRIGGER refuse_for_test BEFORE INSERT ON outbox WHEN NEW.case_id IN (\(names))
                        BEGIN SELECT RAISE(ABORT, 'refused for the test'); END
                        """)
            }
        }

        let committed = try await r.engine.commit(outcomes)

        #expect(Set(committed.conflicts) == moved)
        let rows = try await r.store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT case_id, status, attempts FROM event WHERE type = 'lead.received'")
        }
        let replies = try await r.store.database.read { db in
            try String.fetchAll(db, sql: "SELECT case_id FROM outbox WHERE action = 'email.send'")
        }
        for row in rows {
            let wrong = CommitOutcome.mismatch(
                caseID: row["case_id"], status: row["status"], attempts: row["attempts"], moved: moved, refused: refused)
            #expect(wrong == nil, "\(wrong ?? "")")
        }
        #expect(Set(replies) == Set(leads).subtracting(moved).subtracting(refused))
        #expect(replies.count == Set(replies).count, "a reply queued twice")

        // Once the store takes them again, the cases left out are answered, each once.
        try await r.store.database.write { db in try db.execute(sql: "DROP TRIGGER IF EXISTS refuse_for_test") }
        try await r.engine.runUntilIdle()
        let after = try await r.store.database.read { db in
            try String.fetchAll(db, sql: "SELECT case_id FROM outbox WHERE action = 'email.send'")
        }
        #expect(after.sorted() == leads.sorted())
    }
}
