import BatonTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// A refused write is refused where it was written: inside a savepoint, that savepoint alone is
/// rolled back and the caller goes on; outside, the transaction fails and keeps nothing — however
/// the store batches what it sends (BEGIN goes with the first statement, the engine's writes are
/// held, the audit lines, the lease release and COMMIT go together).
@Suite("Refusals in and out of savepoints on PostgreSQL")
struct SavepointRefusalTests {
    /// Scores written at the top of the transaction or inside a savepoint whose error is caught.
    struct Group {
        let inSavepoint: Bool
        let writes: [(caseID: String, score: Int)]
    }

    @Test(
        "generated writes, some refused, some in savepoints: kept exactly as if each were sent alone", arguments: 0..<30
    )
    func refusalsStayWhereTheyWereWritten(seed: Int) async throws {
        var rng = SplitMix(seed: UInt64(seed) &* 6_151 &+ 3)
        let cases = ["a", "b", "c", "refused"]
        let groups = (0..<(1 + Int(rng.next() % 5))).map { _ in
            Group(
                inSavepoint: rng.next() % 3 != 0,
                writes: (0..<(1 + Int(rng.next() % 3))).map { _ in
                    // The refused case is rarer, so that most rounds keep something.
                    let caseID = rng.next() % 5 == 0 ? "refused" : cases[Int(rng.next() % 3)]
                    return (caseID, Int(rng.next() % 100))
                })
        }
        let store = try await PostgresStore.fresh()
        _ = try await store.rows(
            """
            CREATE FUNCTION refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.case_id = 'refused' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$
            """)
        _ = try await store.rows(
            "CREATE TRIGGER refuse_for_test BEFORE INSERT ON crm_lead FOR EACH ROW EXECUTE FUNCTION refuse_for_test()")
        let at = Date(timeIntervalSince1970: 1_780_000_000)

        let topRefused = groups.contains { !$0.inSavepoint && $0.writes.contains { $0.caseID == "refused" } }
        var expected: [String: Int] = [:]
        for group in groups where !group.writes.contains(where: { $0.caseID == "refused" }) {
            for write in group.writes { expected[write.caseID] = write.score }
        }
        let plan = groups.map { ($0.inSavepoint, $0.writes.map { [$0.caseID, "\($0.score)"] }) }
        do {
            let caught = try await store.transaction { tx in
                var caught = 0
                for (inSavepoint, writes) in plan {
                    let write = {
                        for pair in writes { try tx.setCRMScore(caseID: pair[0], score: Int(pair[1])!, at: at) }
                    }
                    guard inSavepoint else {
                        try write()
                        continue
                    }
                    do { try tx.atomically(write) } catch let error as PSQLError where error.code == .server {
                        caught += 1
                    }
                }
                return caught
            }
            #expect(!topRefused, "a refused write at the top committed: \(plan)")
            let refusedGroups = groups.filter { $0.inSavepoint && $0.writes.contains { $0.caseID == "refused" } }
            #expect(caught == refusedGroups.count, "\(plan)")
        } catch let error as PSQLError where error.code == .server {
            #expect(topRefused, "refused though no write at the top was: \(plan)")
            expected = [:]
        }
        let rows = try await store.rows("SELECT case_id, score FROM crm_lead")
        var stored: [String: Int] = [:]
        for row in rows { stored[try row("case_id", as: String.self)] = try row("score", as: Int.self) }
        #expect(stored == expected, "\(plan)")
    }
}
