import BatonTestSupport
import Foundation
import GRDB
import Testing

/// The inbox through the real binary with an IMAP mailbox: Debian's Dovecot on loopback
/// (``LoopbackDovecot``), read over TLS. A lead by email gets a reply `.eml`; its answer lands on the
/// same case; automatic mail is not answered; every message read is flagged `\Seen`; SIGKILL of
/// `baton run` while mail is read loses and repeats nothing. (The same as ``InboxRunTests`` with a
/// Maildir, whose helpers these use.)
@Suite(.serialized)
struct InboxIMAPRunTests {
    /// The plumbing blueprint reading the Dovecot INBOX, the password from the environment.
    static func blueprint(_ dovecot: LoopbackDovecot, batch: Int = 50, in folder: String) throws -> String {
        let golden = try String(
            contentsOf: BatonBinary.packageRoot.appendingPathComponent(
                "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"), encoding: .utf8)
        let inbox = """
            connectors:
              inbox:
                kind: imap
                settings:
                  host: localhost
                  port: \(dovecot.tlsPort)
                  tls: implicit
                  username: baton
                  password: ${env:BATON_IMAP_PASSWORD}
                  ca_file: \(dovecot.certificate)
                  timeout_seconds: 120
                  poll_seconds: 1
                  batch: \(batch)

            """
        let text = golden.replacingOccurrences(of: "connectors:\n", with: inbox)
            .replacingOccurrences(of: "fit_threshold: 60", with: "fit_threshold: 40")
            .replacingOccurrences(of: "actions_per_hour: 30", with: "actions_per_hour: 1000")
        let path = folder + "/system.blueprint.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let environment = ["BATON_IMAP_PASSWORD": "s3cret"]

    @Test func aLeadByEmailIsAnsweredItsAnswerJoinsTheCaseAndAutomaticMailIsNot() async throws {
        let dovecot = try await LoopbackDovecot.start()
        defer { dovecot.stop() }
        let folder = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = folder + "/data"
        let blueprint = try Self.blueprint(dovecot, in: folder)
        let (runner, log) = try InboxRunTests.start(blueprint, data, environment: Self.environment)
        defer { if runner.isRunning { runner.terminate() } }

        try dovecot.deliver(InboxRunTests.lead("dana@example.com", id: "<lead-1@mail.example.com>"))
        try await InboxRunTests.waitFor("the reply", seconds: 240) {
            InboxRunTests.outbox(data).values.contains { $0.contains("dana@example.com") }
        }
        let reply = try #require(InboxRunTests.outbox(data).values.first { $0.contains("dana@example.com") })
        let messageID = try #require(reply.firstMatch(of: /Message-ID: (<[^>]+>)/)).1
        try dovecot.deliver(
            "From: Dana Lee <dana@example.com>\r\nSubject: Re: your request\r\nMessage-ID: <answer-1@mail.example.com>\r\n"
                + "In-Reply-To: \(messageID)\r\nReferences: <lead-1@mail.example.com> \(messageID)\r\n\r\n"
                + "Thursday at 10 works for us.\r\n")
        try dovecot.deliver(
            "From: Sam <sam@example.com>\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\nMessage-ID: <ooo-1@x>\r\n\r\nI am away. Can you come next week?\r\n"
        )
        try await InboxRunTests.waitFor("the messages read and flagged", seconds: 240) { dovecot.seenCount() == 3 }
        try await Task.sleep(for: .seconds(2))  // time to answer, were anything (wrongly) to be answered
        runner.terminate()
        runner.waitUntilExit()
        let text = log.withLock { $0 }
        #expect(runner.terminationStatus == 0, "\(text)")
        #expect(text.contains("reading mail from imap://baton@localhost:\(dovecot.tlsPort)/INBOX"), "\(text)")
        #expect(!InboxRunTests.outbox(data).values.contains { $0.contains("sam@example.com") })
        try await DatabaseQueue(path: data + "/runtime.sqlite").read { db in
            let leadCase = try String.fetchOne(db, sql: "SELECT case_id FROM event WHERE type = 'lead.received'")
            let answerCase = try String.fetchOne(db, sql: "SELECT case_id FROM event WHERE type = 'email.replied'")
            #expect(leadCase != nil && leadCase == answerCase)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE type = 'email.ignored'") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE action = 'email.send'") == 1)
        }
    }

    @Test func aSIGKILLWhileMailIsReadLosesAndRepeatsNothing() async throws {
        let dovecot = try await LoopbackDovecot.start()
        defer { dovecot.stop() }
        let folder = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = folder + "/data"
        let blueprint = try Self.blueprint(dovecot, batch: 3, in: folder)
        var random = SplitMix(seed: 993)
        var expected: Set<String> = []
        var leads: Set<String> = []
        var automated: Set<String> = []
        var delivered = 0
        var midRead = 0
        for _ in 0..<4 {
            for index in 0..<60 {
                // Some Message-IDs come twice (a copy, a second delivery): stored once.
                let n = random.chance(15) && delivered > 0 ? random.below(delivered) : delivered + index
                let id = "<m\(n)@mail.example.com>"
                expected.insert("inbox:\(id)")
                if n % 5 == 4 {
                    automated.insert("auto\(n)@example.com")
                    try dovecot.deliver(
                        "From: auto\(n)@example.com\r\nAuto-Submitted: auto-replied\r\nMessage-ID: \(id)\r\nSubject: Away\r\n\r\nCan you come?\r\n"
                    )
                } else {
                    leads.insert("lead\(n)@example.com")
                    try dovecot.deliver(InboxRunTests.lead("lead\(n)@example.com", id: id))
                }
            }
            delivered += 60
            let before = try await Self.storedMessages(data)
            let (runner, log) = try InboxRunTests.start(blueprint, data, environment: Self.environment)
            try await InboxRunTests.waitFor("the inbox to be read", seconds: 120) {
                log.withLock { $0 }.contains("reading mail from")
            }
            // Killed once this round's reading has committed a batch, at a random moment after: on a
            // loaded machine a fixed delay could land before the first batch every round.
            let deadline = Date().addingTimeInterval(180)
            while try await Self.storedMessages(data) == before, Date() < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            try await Task.sleep(for: .milliseconds(Int64(random.below(60))))
            kill(runner.processIdentifier, SIGKILL)
            runner.waitUntilExit()
            let stored = try await Self.storedMessages(data)
            if stored > 0 && stored < expected.count { midRead += 1 }
        }
        // Where the kills landed depends on the machine's load (alone, most land mid-read; under the
        // full suite a round can be read whole first): said, not required. The Maildir twin
        // (InboxRunTests) requires it; what must hold whatever the timing is checked below.
        print("IMAP SIGKILL run: \(midRead) of 4 kills landed while mail was being read")
        // Whatever is left is read, processed and dispatched by a run that ends on its own.
        let once = try await BatonBinary.run(
            ["run", blueprint, "--once", "--data-dir", data], environment: Self.environment)
        #expect(once.status == 0, "\(once.stderr)")
        let keys = try await DatabaseQueue(path: data + "/runtime.sqlite").read { db in
            try [String: Int](
                uniqueKeysWithValues: Row.fetchAll(
                    db,
                    sql:
                        "SELECT idempotency_key AS k, count(*) AS n FROM event WHERE idempotency_key LIKE 'inbox:%' GROUP BY k"
                ).map { ($0["k"], $0["n"]) })
        }
        #expect(Set(keys.keys) == expected, "lost: \(expected.subtracting(keys.keys).sorted().prefix(5))")
        #expect(keys.values.allSatisfy { $0 == 1 })
        let replies = InboxRunTests.outbox(data).values
        for lead in leads {
            let count = replies.filter { $0.contains("<\(lead)>") || $0.contains("To: \(lead)") }.count
            #expect(count == 1, "\(lead) got \(count) replies")
        }
        for sender in automated { #expect(!replies.contains { $0.contains(sender) }, "\(sender) was answered") }
    }

    /// How many messages the runtime has stored from the inbox (0 before its database exists).
    static func storedMessages(_ data: String) async throws -> Int {
        guard FileManager.default.fileExists(atPath: data + "/runtime.sqlite") else { return 0 }
        return try await DatabaseQueue(path: data + "/runtime.sqlite").read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE idempotency_key LIKE 'inbox:%'") ?? 0
        }
    }
}
