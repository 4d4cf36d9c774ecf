import BatonTestSupport
import Foundation
import Spawning
import Testing

/// The running system through the real binary: events in, replies out, crashes survived.
struct RuntimeCommandTests {
    static var blueprint: String {
        BatonBinary.packageRoot.appendingPathComponent("Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml")
            .path
    }

    static func lead(_ n: Int) -> String {
        #"{"name": "Lead \#(n)", "email": "lead\#(n)@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap"}"#
    }

    func replies(_ folder: String) throws -> [String] {
        let outbox = folder + "/outbox"
        guard FileManager.default.fileExists(atPath: outbox) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasSuffix(".eml") }
            .map { try String(contentsOfFile: outbox + "/" + $0, encoding: .utf8) }
    }

    @Test func eventsWaitForAStoppedSystemAndTheCaseShowsItsTimeline() async throws {
        let data = BatonBinary.temporaryFolder()
        let sent = try await BatonBinary.run([
            "event", "send", "lead.received", "--payload", Self.lead(1), "--case", "lead-1", "--data-dir", data,
        ])
        #expect(sent.stdout == "event 1 stored for case lead-1\n")
        let run = try await BatonBinary.run(["run", Self.blueprint, "--once", "--data-dir", data])
        #expect(run.status == 0, "\(run.stderr)")
        let mails = try replies(data)
        #expect(mails.count == 1)
        #expect(mails.first?.contains("To: lead1@example.com") == true)
        // Nothing serves a booking page (no public URL): the lead is asked to answer with a time.
        #expect(mails.first?.contains("Reply to this email with the time that suits you and we will book it.") == true)
        let timeline = try await BatonBinary.run(["cases", "show", "lead-1", "--data-dir", data]).stdout
        #expect(timeline.contains("skill    lead_qualifier  Lead 1 scored 100"))
        #expect(timeline.contains("sent     scheduler  email.send"))
        let kpis = try await BatonBinary.run(["kpis", "--json", "--data-dir", data])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(kpis.stdout.utf8)) as? [String: Any])
        #expect(json["leads_answered"] as? Int == 1)
        #expect(json["baseline_minutes"] as? Double == 240)
        // A second case waiting: the case list counts each case's own events.
        _ = try await BatonBinary.run([
            "event", "send", "lead.received", "--payload", Self.lead(2), "--case", "lead-2", "--data-dir", data,
        ])
        let cases = try await BatonBinary.run(["cases", "list", "--json", "--data-dir", data])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(cases.stdout.utf8)) as? [String: Any])
        let rows = try #require(listed["cases"] as? [[String: String]])
        #expect(rows.first { $0["id"] == "lead-2" }?["events"] == "1")
        #expect(Int(rows.first { $0["id"] == "lead-1" }?["events"] ?? "") ?? 0 > 1)
        // --date is the business's day, even fourteen hours ahead of UTC.
        let kept = data + "/blueprint.yaml"
        let text = try String(contentsOfFile: kept, encoding: .utf8)
        try text.replacingOccurrences(of: "America/Edmonton", with: "Pacific/Kiritimati")
            .write(toFile: kept, atomically: true, encoding: .utf8)
        let report = try await BatonBinary.run([
            "daily-report", "--date", "2026-03-02", "--out", data + "/reports", "--data-dir", data,
        ])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(FileManager.default.fileExists(atPath: data + "/reports/daily-2026-03-02.md"))
    }

    @Test func killedWithSIGKILLRepeatedlyEveryLeadGetsExactlyOneReply() async throws {
        let data = BatonBinary.temporaryFolder()
        // The demo's limits would (rightly) hold leads past the 30th of the hour for a person.
        let file = data + "/crash.blueprint.yaml"
        try String(contentsOfFile: Self.blueprint, encoding: .utf8)
            .replacingOccurrences(of: "actions_per_hour: 30", with: "actions_per_hour: 10000")
            .write(toFile: file, atomically: true, encoding: .utf8)
        // Leads flow in from another thread the whole time, one `baton event send` after another.
        let sender = LeadSender(data: data)
        let sending = Thread { sender.run() }
        sending.start()
        var inFlightAtKill: [Int] = []
        for round in 0..<12 {
            let runner = ChildProcess()
            runner.executableURL = URL(fileURLWithPath: BatonBinary.path)
            runner.arguments = ["run", file, "--data-dir", data]
            runner.standardError = .nullDevice
            try runner.run()
            try await Task.sleep(for: .seconds(0.05 + Double(round % 6) * 0.05))
            kill(runner.processIdentifier, SIGKILL)
            runner.waitUntilExit()
            inFlightAtKill.append(sender.sent - (try replies(data).count))
        }
        sender.stop()
        while !sending.isFinished { try await Task.sleep(for: .milliseconds(10)) }
        let leads = sender.sent
        // A retried submission of an existing lead changes nothing.
        _ = try await BatonBinary.run([
            "event", "send", "lead.received", "--payload", Self.lead(1), "--idempotency-key", "lead-1", "--data-dir",
            data,
        ])
        let drain = try await BatonBinary.run(["run", file, "--once", "--data-dir", data])
        #expect(drain.status == 0, "\(drain.stderr)")
        let mails = try replies(data)
        var once = 0
        for n in 1...leads {
            let count = mails.filter { $0.contains("To: lead\(n)@example.com\r\n") }.count
            #expect(count == 1, "lead \(n) got \(count) replies")
            if count == 1 { once += 1 }
        }
        #expect(mails.count == leads)
        // Kills must have landed with work still in flight, or the test proves nothing.
        #expect(inFlightAtKill.filter { $0 > 0 }.count >= 3, "\(inFlightAtKill)")
        print(
            "crash test: \(leads) leads, \(inFlightAtKill.count) SIGKILLs (leads without a reply on disk at each kill: \(inFlightAtKill)), \(mails.count) replies after the restart, \(once) leads with exactly one"
        )
    }

    /// Sends numbered leads one after another until stopped; `sent` counts the acknowledged ones.
    final class LeadSender: @unchecked Sendable {
        // @unchecked: `count` and `stopping` are only touched under `lock`.
        private let lock = NSLock()
        private var count = 0
        private var stopping = false
        let data: String

        init(data: String) { self.data = data }

        var sent: Int { lock.withLock { count } }

        func stop() { lock.withLock { stopping = true } }

        /// Sends until stopped, on the thread it is started on (its own).
        func run() {
            while !lock.withLock({ stopping }) {
                let n = sent + 1
                let result = try? BatonBinary.runBlocking([
                    "event", "send", "lead.received", "--payload", RuntimeCommandTests.lead(n), "--idempotency-key",
                    "lead-\(n)", "--data-dir", data,
                ])
                guard result?.status == 0 else { continue }
                lock.withLock { count = n }
            }
        }
    }

    @Test func aSecondRunOnTheSameDataFolderIsRefused() async throws {
        let data = BatonBinary.temporaryFolder()
        let first = ChildProcess()
        first.executableURL = URL(fileURLWithPath: BatonBinary.path)
        first.arguments = ["run", Self.blueprint, "--data-dir", data]
        first.standardError = .nullDevice
        try first.run()
        defer {
            first.terminate()
            first.waitUntilExit()
        }
        // Wait until the first holds the lock (it writes its process id into run.lock); generously,
        // for a debug build booting beside the whole suite.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline
            && (try? String(contentsOfFile: data + "/run.lock", encoding: .utf8)) != "\(first.processIdentifier)\n"
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        let second = try await BatonBinary.run(["run", Self.blueprint, "--once", "--data-dir", data])
        #expect(second.status == 1)
        #expect(
            second.stderr.contains(
                "baton: another `baton run` is using \(data) (process \(first.processIdentifier)); stop it first"))
    }

    @Test func approvalsFromTheCommandLine() async throws {
        let data = BatonBinary.temporaryFolder()
        // A blueprint where the first email to a new lead waits for the owner.
        let text = try String(contentsOfFile: Self.blueprint, encoding: .utf8).replacingOccurrences(
            of: "approvals:\n",
            with:
                "approvals:\n- action: email.send\n  when: first_contact\n  approver: owner\n  timeout:\n    after: 4h\n    then: remind\n"
        )
        let file = data + "/held.blueprint.yaml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        for n in 1...2 {
            _ = try await BatonBinary.run([
                "event", "send", "lead.received", "--payload", Self.lead(n), "--case", "lead-\(n)", "--data-dir", data,
            ])
        }
        #expect(try await BatonBinary.run(["run", file, "--once", "--data-dir", data]).status == 0)
        #expect(try replies(data).isEmpty)
        let list = try await BatonBinary.run(["approvals", "list", "--data-dir", data]).stdout
        #expect(list.contains("#1  case lead-1  scheduler wants email.send: first reply with available times"))
        #expect(
            try await BatonBinary.run(["approvals", "approve", "1", "--body", "Edited by the owner.", "--data-dir", data])
                .status == 0)
        #expect(try await BatonBinary.run(["approvals", "reject", "2", "--reason", "spam", "--data-dir", data]).status == 0)
        #expect(try await BatonBinary.run(["run", file, "--once", "--data-dir", data]).status == 0)
        let mails = try replies(data)
        #expect(mails.count == 1)
        #expect(mails.first?.contains("Edited by the owner.") == true)
        let again = try await BatonBinary.run(["approvals", "approve", "2", "--data-dir", data])
        #expect(again.status == 1)
        #expect(again.stderr.contains("approval 2 is already rejected"))
    }
}
