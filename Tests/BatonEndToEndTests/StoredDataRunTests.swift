import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `baton run --once` on a data folder holding rows it cannot read: it exits 0, the other events
/// are processed, and each bad one is dead-lettered with its reason.
struct StoredDataRunTests {
    static let blueprint = BatonBinary.packageRoot.appendingPathComponent(
        "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"
    ).path

    @Test func runOnceOnBadRowsExitsZeroAndDeadLettersThem() async throws {
        let data = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        for n in 1...2 {
            let sent = try await BatonBinary.run([
                "event", "send", "lead.received", "--data-dir", data, "--payload",
                #"{"name": "Lead \#(n)", "email": "lead\#(n)@example.com", "timeline": "asap"}"#,
            ])
            #expect(sent.status == 0, "\(sent.stderr)")
        }
        let bad: [String: Int64] = try await DatabaseQueue(path: data + "/runtime.sqlite").write { db in
            var bad: [String: Int64] = [:]
            func event(_ caseID: String, payload: String, createdAt: String, dueAt: String? = nil) throws {
                try db.execute(
                    sql: """
                        INSERT INTO event (type, case_id, payload_json, producer, status, created_at, due_at)
                        VALUES ('lead.received', ?, ?, 'intake', 'pending', ?, ?)
                        """, arguments: [caseID, payload, createdAt, dueAt])
                bad[caseID] = db.lastInsertedRowID
            }
            let good = #"{"name": "Bad Row", "email": "bad@example.com"}"#
            let stamp = "2026-03-02 08:00:00.000"
            try event("bad-payload", payload: "{not json", createdAt: stamp)
            try event("bad-created", payload: good, createdAt: "02/03/2026 8:00")
            try event("bad-due", payload: good, createdAt: stamp, dueAt: "2026-03-01 at noon")
            try event("bad-context", payload: good, createdAt: stamp)
            try db.execute(
                sql: "INSERT INTO case_context (case_id, context_json, version) VALUES ('bad-context', '{{{', 1)")
            for (start, end) in [
                ("9999-12-31 23:00:00.000", "10000-01-01 00:00:00.000"), ("2026-03-02 18:00:00.000", "99999-01-01"),
                ("2030-01-01 00:00:00.000", "not a date"),
            ] {
                try db.execute(
                    sql: "INSERT INTO calendar_busy (starts_at, ends_at, source) VALUES (?, ?, 'external')",
                    arguments: [start, end])
            }
            return bad
        }

        let run = try await BatonBinary.run(["run", Self.blueprint, "--once", "--data-dir", data])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
        #expect(run.stderr.contains("idle; done"), "\(run.stderr)")

        let rows = try DatabaseQueue(path: data + "/runtime.sqlite").read { db in
            try Row.fetchAll(db, sql: "SELECT id, case_id, status, last_error FROM event")
        }
        let byID = Dictionary(uniqueKeysWithValues: rows.map { (($0["id"] as Int64), $0) })
        for (caseID, id) in bad {
            let row = try #require(byID[id])
            #expect(row["status"] as String == "dead", "\(caseID)")
            #expect((row["last_error"] as String?)?.hasPrefix("stored data could not be read: ") == true, "\(caseID)")
        }
        // The two good leads ran their whole flow: their events, and those they handed on, are done.
        let good = rows.filter { !bad.values.contains($0["id"] as Int64) }
        #expect(good.count > 2)
        #expect(good.allSatisfy { $0["status"] as String == "done" || $0["status"] as String == "pending" })
        #expect(
            good.filter { ($0["case_id"] as String).hasPrefix("case-") && $0["status"] as String == "done" }.count >= 2)

        // A person finds them, with why, and the case listing still shows every case.
        let dead = try await BatonBinary.run(["event", "list", "--dead", "--data-dir", data])
        #expect(dead.status == 0, "\(dead.stderr)")
        for (caseID, id) in bad {
            #expect(dead.stdout.contains("\(id)  ") && dead.stdout.contains(caseID), "\(dead.stdout)")
        }
        #expect(dead.stdout.contains("stored data could not be read: its payload_json is not a JSON object"))
        let cases = try await BatonBinary.run(["cases", "list", "--data-dir", data])
        #expect(cases.status == 0, "\(cases.stderr)")
        #expect(cases.stdout.contains("bad-created"), "\(cases.stdout)")

        // A second run finds nothing to do and nothing to trip over.
        let again = try await BatonBinary.run(["run", Self.blueprint, "--once", "--data-dir", data])
        #expect(again.status == 0, "\(again.stderr)")
    }
}
