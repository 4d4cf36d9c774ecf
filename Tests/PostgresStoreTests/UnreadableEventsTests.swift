import Foundation
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// The step read on PostgreSQL after its claim has committed: an event whose payload is not a JSON
/// object, or whose case's context is not agents' notes, is dead-lettered with its reason and one
/// `dead` audit line each (the dead letter and its line one statement), and the others are read.
@Suite("Unreadable events on PostgreSQL")
struct UnreadableEventsTests {
    @Test("bad event rows are dead-lettered once, with their reason, and the good ones run")
    func badRowsAreDeadLetteredOnceAndTheOthersRead() async throws {
        let clock = TestClock()
        let store = try await PostgresStore.fresh(clock: { clock.now })
        let at = clock.now
        func event(_ caseID: String, payload: String) async throws -> Int64 {
            try await store.rows(
                """
                INSERT INTO event (type, case_id, payload_json, producer, status, created_at)
                VALUES ('lead.received', \(caseID), \(payload), 'intake', 'pending', \(at)) RETURNING id
                """
            ).first.map { try $0("id", as: Int64.self) } ?? 0
        }
        let notAnObject = try await event("bad-payload", payload: "[1, 2]")
        let badContext = try await event("bad-context", payload: #"{"name": "Ana"}"#)
        _ = try await store.rows(
            "INSERT INTO case_context (case_id, context_json, version) VALUES ('bad-context', '\"not notes\"', 3)")
        let good = try await event("good", payload: #"{"name": "Bo", "email": "bo@example.com"}"#)

        for _ in 0..<2 {
            let snapshot = try await store.readStep(limit: 10, excluding: [], busyTimes: true, at: at)
            #expect(snapshot.cases.map(\.caseID) == ["good"])
            #expect(snapshot.cases.first?.events.map(\.id) == [good])
        }
        var dead: [Int64: String] = [:]
        for row in try await store.rows("SELECT id, last_error FROM event WHERE status = 'dead'") {
            dead[try row("id", as: Int64.self)] = try row("last_error", as: String.self)
        }
        #expect(Set(dead.keys) == [notAnObject, badContext])
        #expect(dead[notAnObject]?.contains("stored data could not be read") == true)
        #expect(dead[notAnObject]?.contains("payload_json") == true, "\(dead)")
        #expect(dead[badContext]?.contains("context_json is not a JSON object") == true, "\(dead)")
        // One line each, though the read ran twice.
        let lines = try await store.rows("SELECT case_id, detail FROM audit WHERE kind = 'dead' ORDER BY id").map {
            (try $0("case_id", as: String.self), try $0("detail", as: String.self))
        }
        #expect(lines.map(\.0) == ["bad-payload", "bad-context"])
        #expect(lines.allSatisfy { $0.1.hasPrefix("dead-lettered: stored data could not be read") })
        #expect(lines.first?.1.contains("baton event retry \(notAnObject)") == true)
        await store.close()
    }
}
