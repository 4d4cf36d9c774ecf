import BatonTestSupport
import Foundation
import GRDB
import Testing

/// Failure is visible, not infinite, through the real binary: an event the store refuses to mark
/// done (a trigger stands in for any fault in processing) is tried `--max-event-attempts` times,
/// dead-lettered, shown, and put back with `baton events retry`.
struct DeadLetterCommandTests {
    /// Makes processing fail for every event of case `poison`: marking it done raises an error.
    static func poisonCase(_ data: String) throws {
        let database = try DatabaseQueue(path: data + "/runtime.sqlite")
        try database.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER poison BEFORE UPDATE OF status ON event
                    WHEN NEW.case_id = 'poison' AND NEW.status = 'done'
                    BEGIN SELECT RAISE(ABORT, 'the store refused this event'); END
                    """)
        }
    }

    static func cure(_ data: String) throws {
        try DatabaseQueue(path: data + "/runtime.sqlite").write { try $0.execute(sql: "DROP TRIGGER poison") }
    }

    @Test func aPoisonEventIsDeadLetteredShownAndRetried() async throws {
        let data = BatonBinary.temporaryFolder()
        func baton(_ arguments: String...) async throws -> BatonBinary.RunResult {
            try await BatonBinary.run(arguments + ["--data-dir", data])
        }
        #expect(
            try await baton("event", "send", "lead.received", "--payload", RuntimeCommandTests.lead(1), "--case", "poison")
                .stdout == "event 1 stored for case poison\n")
        _ = try await baton("event", "send", "lead.received", "--payload", RuntimeCommandTests.lead(2), "--case", "lead-2")
        try Self.poisonCase(data)

        let run = try await baton("run", RuntimeCommandTests.blueprint, "--once", "--max-event-attempts", "2")
        #expect(run.status == 0, "\(run.stderr)")
        // The lead behind the poison got its reply; the poison's case got nothing.
        let outbox = try FileManager.default.contentsOfDirectory(atPath: data + "/outbox").filter {
            $0.hasSuffix(".eml")
        }
        #expect(outbox.count == 1)

        let listed = try await baton("event", "list", "--dead")
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("1  "))
        #expect(listed.stdout.contains("poison  lead.received  failed 2 times: "))
        #expect(listed.stdout.contains("the store refused this event"))
        #expect(listed.stdout.hasSuffix("put one back with: baton event retry ID\n"))
        let json = try await baton("event", "list", "--dead", "--json")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["id"] as? Int == 1)
        #expect(rows.first?["attempts"] as? Int == 2)

        let shown = try await baton("cases", "show", "poison")
        #expect(shown.stdout.hasPrefix("dead-lettered: "))
        #expect(shown.stdout.contains("the store refused this event"))
        #expect(shown.stdout.contains("`baton event retry 1` puts it back"))
        #expect(shown.stdout.contains("failed   -  lead.received #1 failed (try 1 of 2)"))
        #expect(try await baton("cases", "show", "lead-2").stdout.contains("dead-lettered") == false)

        // Clear errors, non-zero exits: an unknown id, and an event that is not dead.
        let unknown = try await baton("events", "retry", "99")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no event 99"))
        let living = try await baton("events", "retry", "2")
        #expect(living.status != 0)
        #expect(living.stderr.contains("event 2 is done, not dead"))

        try Self.cure(data)
        let retried = try await baton("events", "retry", "1")
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(
            retried.stdout
                == "event 1 (lead.received, case poison) is back in the queue with its tries reset; `baton run` processes it next\n"
        )
        #expect(try await baton("events", "retry", "1").stderr.contains("event 1 is pending, not dead"))
        #expect(try await baton("run", RuntimeCommandTests.blueprint, "--once").status == 0)
        #expect(try await baton("event", "list", "--dead").stdout == "no dead events\n")
        let after = try await baton("cases", "show", "poison").stdout
        #expect(!after.hasPrefix("dead-lettered"))
        #expect(after.contains("retried  -  lead.received #1 put back in the queue by a person"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: data + "/outbox").filter { $0.hasSuffix(".eml") }.count
                == 2)

        let help = try await BatonBinary.run(["event", "--help"]).stdout
        #expect(help.contains("retry"))
        #expect(help.contains("list"))
        #expect(try await BatonBinary.run(["run", RuntimeCommandTests.blueprint, "--max-event-attempts", "0"]).status != 0)
    }
}
