import BatonTestSupport
import Foundation
import GRDB
import Spawning
import Synchronization
import Testing

/// The inbox through the real binary, with a Maildir as the mailbox: a lead by email gets a reply
/// `.eml`; the lead's answer (In-Reply-To the reply's Message-ID) lands on the same case and cancels
/// the reminder; automatic mail is not answered; SIGKILL of `baton run` while mail is read loses
/// and repeats nothing.
struct InboxRunTests {
    struct Timeout: Error, CustomStringConvertible { let description: String }

    /// The plumbing blueprint with `inbox` (the YAML of `connectors.inbox`, indented under
    /// `connectors:`), every lead a fit and no agent's actions deferred by its hourly limit.
    static func blueprint(inbox: String, in folder: String) throws -> String {
        let golden = try String(
            contentsOf: BatonBinary.packageRoot.appendingPathComponent(
                "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"), encoding: .utf8)
        let text = golden.replacingOccurrences(of: "connectors:\n", with: "connectors:\n" + inbox)
            .replacingOccurrences(of: "fit_threshold: 60", with: "fit_threshold: 40")
            // Every lead of the crash test answered within the hour, none deferred by the limit.
            .replacingOccurrences(of: "actions_per_hour: 30", with: "actions_per_hour: 1000")
        let path = folder + "/system.blueprint.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The plumbing blueprint reading mail from `maildir` every second, `batch` messages a commit.
    static func blueprint(maildir: String, batch: Int = 50, in folder: String) throws -> String {
        try blueprint(
            inbox: """
                  inbox:
                    kind: maildir
                    settings:
                      folder: \(maildir)
                      poll_seconds: 1
                      batch: \(batch)

                """, in: folder)
    }

    static func maildir(in folder: String) throws -> String {
        let maildir = folder + "/Maildir"
        for sub in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(atPath: "\(maildir)/\(sub)", withIntermediateDirectories: true)
        }
        return maildir
    }

    /// Delivers a message as a delivery agent does: written in `tmp/`, renamed into `new/`.
    static func deliver(_ text: String, to maildir: String, name: String = UUID().uuidString) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(maildir)/tmp/\(name)"))
        guard rename("\(maildir)/tmp/\(name)", "\(maildir)/new/\(name)") == 0 else {
            throw Timeout(description: "rename")
        }
    }

    /// `baton run BLUEPRINT`, its log gathered.
    /// What a run wrote to stderr, as it comes.
    final class Log: Sendable {
        let text = Mutex("")
        func withLock<T: Sendable>(_ body: (inout String) -> T) -> T {
            text.withLock { value in
                var copy = value
                defer { value = copy }
                return body(&copy)
            }
        }
    }

    /// `baton run BLUEPRINT` without listening, its log gathered (``RunningBaton`` listens).
    static func start(_ blueprint: String, _ data: String, environment: [String: String] = [:]) throws -> (
        ChildProcess, Log
    ) {
        let runner = ChildProcess()
        runner.executableURL = URL(fileURLWithPath: BatonBinary.path)
        runner.arguments = ["run", blueprint, "--data-dir", data]
        runner.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let log = Pipe()
        let text = Log()
        log.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        runner.standardError = .pipe(log)
        runner.standardOutput = .nullDevice
        try runner.run()
        return (runner, text)
    }

    /// The `.eml` files of the outbox, by name.
    static func outbox(_ data: String) -> [String: String] { outboxReplies(data) }

    static func waitFor(
        _ what: String, seconds: Double = 120, every interval: Duration = .milliseconds(50),
        _ condition: () throws -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            try await Task.sleep(for: interval)
        }
        if try condition() { return }  // (a resumed task may wait long for a thread: look once more)
        throw Timeout(description: "waited \(seconds) s for \(what)")
    }

    static func count(_ maildir: String, _ sub: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\(sub)")) ?? []).count
    }

    static func lead(_ sender: String, id: String) -> String {
        """
        From: Dana Lee <\(sender)>\r
        To: office@bowriver.example\r
        Subject: =?utf-8?q?Quote_for_a_water_heater_=E2=80=93_urgent?=\r
        Message-ID: \(id)\r
        MIME-Version: 1.0\r
        Content-Type: multipart/alternative; boundary="b1"\r
        \r
        --b1\r
        Content-Type: text/plain; charset=iso-8859-1\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        Hi, our water heater is leaking. Budget about $5000, we are in Calgary T2P 1J9=\r
         and need it fixed this week. Caf=E9 owner, Dana\r
        --b1\r
        Content-Type: text/html; charset=utf-8\r
        \r
        <p>Hi, our water heater is leaking.</p>\r
        --b1--\r

        """
    }

    @Test func aLeadByEmailIsAnsweredItsAnswerJoinsTheCaseAndAutomaticMailIsNot() async throws {
        let folder = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = folder + "/data"
        let maildir = try Self.maildir(in: folder)
        let blueprint = try Self.blueprint(maildir: maildir, in: folder)
        let baton = try await RunningBaton(blueprint, data: data)
        defer { if baton.process.isRunning { baton.process.terminate() } }

        try Self.deliver(Self.lead("dana@example.com", id: "<lead-1@mail.example.com>"), to: maildir)
        try await Self.waitFor("the reply") {
            outboxReplies(data).values.contains {
                $0.contains("To: Dana Lee <dana@example.com>") || $0.contains("To: dana@example.com")
            }
        }
        let reply = try #require(outboxReplies(data).values.first { $0.contains("dana@example.com") })
        #expect(reply.contains("Dana"))
        let messageID = try #require(reply.firstMatch(of: /Message-ID: (<[^>]+>)/)).1

        try Self.deliver(
            """
            From: Dana Lee <dana@example.com>\r
            Subject: Re: your request\r
            Message-ID: <answer-1@mail.example.com>\r
            In-Reply-To: \(messageID)\r
            References: <lead-1@mail.example.com> \(messageID)\r
            \r
            Thursday at 10 works for us.\r

            """, to: maildir)
        try Self.deliver(
            "From: Sam <sam@example.com>\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\nMessage-ID: <ooo-1@x>\r\n\r\nI am away. Can you come next week?\r\n",
            to: maildir)
        try Self.deliver(
            "From: MAILER-DAEMON@mx.example.com\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@x>\r\n\r\nNeed a quote? No such user.\r\n",
            to: maildir)
        try await Self.waitFor("the messages read") {
            Self.count(maildir, "new") == 0 && Self.count(maildir, "cur") == 4
        }
        try await Task.sleep(for: .seconds(2))  // time to answer, were anything (wrongly) to be answered
        let stopped = try await baton.terminate(within: .seconds(60))
        #expect(stopped?.status == 0, "\(baton.log)")
        #expect(baton.log.contains("reading mail from maildir:"))
        #expect(!outboxReplies(data).values.contains { $0.contains("sam@example.com") || $0.contains("MAILER-DAEMON") })

        // Three days later, the reminder is due: the lead wrote back, so it is cancelled and nothing goes.
        let sentBefore = outboxReplies(data).count
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3 * 86_400))
        let once = try await BatonBinary.run(
            ["run", blueprint, "--once", "--data-dir", data], environment: ["BATON_NOW": later])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(outboxReplies(data).count == sentBefore)

        let database = try DatabaseQueue(path: data + "/runtime.sqlite")
        try await database.read { db in
            let leadCase = try String.fetchOne(db, sql: "SELECT case_id FROM event WHERE type = 'lead.received'")
            let answerCase = try String.fetchOne(db, sql: "SELECT case_id FROM event WHERE type = 'email.replied'")
            #expect(leadCase != nil && leadCase == answerCase)
            let reminder = try String.fetchOne(
                db, sql: "SELECT status FROM event WHERE type = 'followup.due' AND case_id = ?", arguments: [leadCase])
            #expect(reminder == "cancelled")
            let ignored = try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE type = 'email.ignored'")
            #expect(ignored == 2)
            let audited = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit WHERE kind = 'ignored'")
            #expect(audited == 2)
            let sent = try String.fetchAll(db, sql: "SELECT payload_json FROM outbox WHERE action = 'email.send'")
            #expect(sent.count == 1)
        }
    }

    @Test func aSIGKILLWhileMailIsReadLosesAndRepeatsNothing() async throws {
        let folder = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = folder + "/data"
        let maildir = try Self.maildir(in: folder)
        let blueprint = try Self.blueprint(maildir: maildir, batch: 1, in: folder)
        var random = SplitMix(seed: 9)
        var expected: Set<String> = []
        var leads: Set<String> = []
        var automated: Set<String> = []
        var delivered = 0
        var midRead = 0
        var left: [Int] = []
        let perRound = 100
        for round in 0..<4 {
            for index in 0..<perRound {
                // Some Message-IDs come twice (a copy, a second delivery), within a round or across rounds.
                let n = random.chance(15) && delivered > 0 ? random.below(delivered) : delivered + index
                let id = "<m\(n)@mail.example.com>"
                expected.insert("inbox:\(id)")
                let text: String
                if n % 5 == 4 {
                    automated.insert("auto\(n)@example.com")
                    text =
                        "From: auto\(n)@example.com\r\nAuto-Submitted: auto-replied\r\nMessage-ID: \(id)\r\nSubject: Away\r\n\r\nCan you come?\r\n"
                } else {
                    leads.insert("lead\(n)@example.com")
                    text = Self.lead("lead\(n)@example.com", id: id)
                }
                try Self.deliver(text, to: maildir, name: String(format: "%05d.%02d.host", delivered + index, round))
            }
            delivered += perRound
            let before = Self.count(maildir, "cur")
            let baton = try await RunningBaton(blueprint, data: data)
            if round % 2 == 0 {
                // As soon as the first message of the round is read: the kill lands among the others
                // (a fast machine reads a hundred in a few tens of milliseconds, so no pause here).
                try await Self.waitFor("reading to start", seconds: 120, every: .milliseconds(1)) {
                    Self.count(maildir, "cur") > before
                }
            } else {
                try await Task.sleep(for: .milliseconds(Int64(20 + random.below(60))))
            }
            kill(baton.process.processIdentifier, SIGKILL)
            baton.process.waitUntilExit()
            let waiting = Self.count(maildir, "new")
            left.append(waiting)
            if waiting > 0 && waiting < perRound { midRead += 1 }
        }
        // Whatever is left is read, processed and dispatched by a run that ends on its own.
        let once = try await BatonBinary.run(["run", blueprint, "--once", "--data-dir", data])
        #expect(once.status == 0, "\(once.stderr)")
        #expect(Self.count(maildir, "new") == 0)
        #expect(Self.count(maildir, "cur") == delivered)
        #expect(midRead >= 1, "no kill landed while mail was read: \(left) left unread after each kill")

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
        // Every lead answered once, nobody automatic answered.
        let replies = outboxReplies(data).values
        for lead in leads {
            let count = replies.filter { $0.contains("<\(lead)>") || $0.contains("To: \(lead)") }.count
            #expect(count == 1, "\(lead) got \(count) replies")
        }
        for sender in automated { #expect(!replies.contains { $0.contains(sender) }, "\(sender) was answered") }
    }
}
