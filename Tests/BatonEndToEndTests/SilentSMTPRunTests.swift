import BatonTestSupport
import Foundation
import GRDB
import Testing

/// `baton run` with an SMTP server that accepts the connection and never says a word
/// (`Tests/ConnectorsTests/Peers/silent_server.py`): the events keep being processed — the leads
/// are qualified, their approvals created, their replies queued, the webhooks posted — while the
/// sends hang; the sends time out and are retried; and when a real server (aiosmtpd) takes the
/// port, each email arrives exactly once.
struct SilentSMTPRunTests {
    static let leads = 20
    /// The SMTP connector's timeout: event processing must not wait on it.
    static let smtpTimeout = 20

    /// The plumbing blueprint sending by SMTP to `smtpPort`, posting `lead.qualified` to a webhook at
    /// `hookPort`, and holding every CRM update for the owner's approval.
    static func blueprint(smtpPort: Int, hookPort: Int, in folder: String) throws -> String {
        let file = folder + "/silent-smtp.blueprint.yaml"
        let golden = try String(contentsOfFile: RuntimeCommandTests.blueprint, encoding: .utf8)
        let text = BlueprintEdits.sendingBySMTP(
            golden, port: smtpPort, timeoutSeconds: smtpTimeout, extra: ["connections: 20"]
        )
        .replacingOccurrences(of: "actions_per_hour: 30", with: "actions_per_hour: 1000")
        .replacingOccurrences(
            of: "  crm:\n    kind: builtin\n    settings: {}\n",
            with: """
                  crm:
                    kind: builtin
                    settings:
                      webhooks:
                      - url: http://127.0.0.1:\(hookPort)/hooks/baton
                        secret: ${env:BATON_WEBHOOK_SECRET}
                        events: [lead.qualified]

                """
        )
        // Where the booking page is reached: each reply links its own case's page.
        .replacingOccurrences(
            of: "      token: ${env:BATON_INTAKE_TOKEN}\n",
            with: "      token: ${env:BATON_INTAKE_TOKEN}\n      public_url: https://book.bowriver.example\n"
        )
        .replacingOccurrences(
            of: "approvals:\n",
            with:
                "approvals:\n- action: crm.update\n  when: always\n  approver: owner\n  timeout:\n    after: 24h\n    then: escalate\n"
        )
        #expect(
            text.contains("kind: smtp") && text.contains("webhooks:") && text.contains("action: crm.update")
                && text.contains("public_url:"))
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// The outbox's rows: action, status, attempts, last error, case.
    static func outbox(_ data: String) throws -> [(action: String, status: String, attempts: Int, error: String?)] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: data + "/runtime.sqlite", configuration: configuration)
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT action, status, attempts, last_error FROM outbox ORDER BY id").map {
                ($0["action"], $0["status"], $0["attempts"], $0["last_error"])
            }
        }
    }

    /// The silent server's connections: accepted, and closed (given up on by the client) so far.
    static func connections(_ log: String) -> (accepted: Int, closed: Int, bytesReceived: Int) {
        let events = peerEvents(log)
        return (
            events.filter { $0["event"] as? String == "accepted" }.count,
            events.filter { $0["event"] as? String == "closed" }.count,
            events.compactMap { $0["received"] as? Int }.reduce(0, +)
        )
    }

    /// Polls `condition` every 50 ms until it holds or `limit` passes; whether it held.
    static func waitUntil(_ limit: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < limit {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    @Test func eventsKeepMovingWhileSendsHangAndEachEmailArrivesOnceWhenTheServerComesBack() async throws {
        let folder = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = folder + "/data"
        let silentLog = folder + "/silent.log"
        let hooksLog = folder + "/hooks.log"
        let silent = try await PythonPeer.start("Tests/ConnectorsTests/Peers/silent_server.py", ["--log", silentLog])
        defer { silent.stop() }
        let hooks = try await PythonPeer.start("Tests/ConnectorsTests/Peers/webhook_receiver.py", ["--log", hooksLog])
        defer { hooks.stop() }
        let blueprint = try Self.blueprint(smtpPort: silent.port, hookPort: hooks.port, in: folder)
        let baton = try await RunningBaton(
            blueprint, data: data, environment: ["BATON_WEBHOOK_SECRET": "wh-s3cret"])
        let posted = ContinuousClock.now
        _ = try await SlowModelRunTests.postLeads(baton)

        // While the first sends hang on the silent server, every lead is qualified, its reply queued
        // and its CRM update waiting for the owner: sooner than one SMTP timeout.
        var state = ""
        let advanced = try await Self.waitUntil(.seconds(Self.smtpTimeout)) {
            let cases = try await BatonBinary.run(["cases", "list", "--json", "--data-dir", data])
            let listed = try JSONSerialization.jsonObject(with: Data(cases.stdout.utf8)) as? [String: Any]
            let offered = (listed?["cases"] as? [[String: String]] ?? []).filter {
                $0["latest_event"] == "times.offered"
            }.count
            let pending = try await BatonBinary.run(["approvals", "list", "--json", "--data-dir", data])
            let approvals =
                (try JSONSerialization.jsonObject(with: Data(pending.stdout.utf8)) as? [[String: Any]]) ?? []
            let emails = try Self.outbox(data).filter { $0.action == "email.send" && $0.status == "queued" }.count
            state = "\(offered) cases with times offered, \(approvals.count) approvals, \(emails) emails queued"
            return offered == Self.leads && approvals.count == Self.leads
                && approvals.allSatisfy { $0["action"] as? String == "crm.update" } && emails == Self.leads
        }
        let advancedAfter = (ContinuousClock.now - posted).seconds
        let hanging = Self.connections(silentLog)
        #expect(advanced, "the events did not move while the sends hung: \(state)\n\(baton.log)")
        #expect(hanging.accepted > hanging.closed, "no send was hanging on the silent server: \(hanging)")

        // The stuck sends time out (the server heard nothing: it never greeted) and wait to be
        // retried; the webhooks, another connector, all went.
        var hooksAfter = Double.nan
        let timedOut = try await Self.waitUntil(.seconds(4 * Self.smtpTimeout)) {
            if hooksAfter.isNaN && peerEvents(hooksLog).count == Self.leads {
                hooksAfter = (ContinuousClock.now - posted).seconds
            }
            let emails = try Self.outbox(data).filter { $0.action == "email.send" }
            return emails.count == Self.leads && emails.allSatisfy { $0.attempts >= 1 && $0.status == "queued" }
        }
        let afterTimeouts = try Self.outbox(data)
        #expect(timedOut, "\(afterTimeouts)")
        let failed = try Self.outbox(data).filter { $0.action == "email.send" }
        #expect(
            failed.allSatisfy { $0.error?.contains("timed out after \(Self.smtpTimeout) s") == true },
            "\(failed.map { $0.error ?? "" })")
        #expect(Self.connections(silentLog).bytesReceived == 0)
        #expect(peerEvents(hooksLog).count == Self.leads)
        let timedOutAfter = (ContinuousClock.now - posted).seconds

        // A real server on the same port: after the backoff, each email arrives exactly once.
        silent.stop()
        let mailFolder = folder + "/mail"
        let server = try await PythonPeer.start(
            "Tests/ConnectorsTests/Peers/smtp_server.py", ["--folder", mailFolder, "--port", "\(silent.port)"])
        defer { server.stop() }
        let delivered = try await Self.waitUntil(.seconds(90)) {
            try Self.outbox(data).filter { $0.action == "email.send" && $0.status == "sent" }.count == Self.leads
        }
        let afterDelivery = try Self.outbox(data)
        #expect(delivered, "\(afterDelivery)\n\(baton.log.suffix(3000))")
        let deliveredAfter = (ContinuousClock.now - posted).seconds
        try await Task.sleep(for: .seconds(2))  // a second copy, if one were coming
        let messages = ((try? FileManager.default.contentsOfDirectory(atPath: mailFolder)) ?? []).filter {
            $0.hasSuffix(".json")
        }.compactMap { name -> [String: Any]? in
            guard let bytes = FileManager.default.contents(atPath: mailFolder + "/" + name) else { return nil }
            return try? JSONSerialization.jsonObject(with: bytes) as? [String: Any]
        }
        // The intake names each lead's case (outside producers may not choose one): every reply
        // carries the booking link of its own case, and no two the same.
        var links: Set<String> = []
        for n in 1...Self.leads {
            let copies = messages.filter { ($0["rcpt_tos"] as? [String]) == ["lead\(n)@example.com"] }
            #expect(copies.count == 1, "lead \(n) got \(copies.count) emails")
            let text = copies.first?["text"] as? String ?? ""
            let link = text.split(whereSeparator: \.isWhitespace).first {
                $0.hasPrefix("https://book.bowriver.example/book/")
            }
            #expect(link != nil, "lead \(n)'s reply has no booking link: \(text)")
            if let link { links.insert(String(link)) }
        }
        #expect(links.count == Self.leads, "\(links)")
        #expect(messages.count == Self.leads)
        #expect(Set(messages.compactMap { $0["message_id"] as? String }).count == Self.leads)
        let emails = try Self.outbox(data).filter { $0.action == "email.send" }
        #expect(emails.allSatisfy { $0.status == "sent" && $0.attempts >= 2 })
        #expect(peerEvents(hooksLog).count == Self.leads, "a webhook was posted again")
        let stopped = try await baton.terminate(within: .seconds(60))
        #expect(stopped?.status == 0, "\(baton.log.suffix(2000))")
        print(
            """
            silent SMTP server (timeout \(Self.smtpTimeout) s), \(Self.leads) leads: all qualified, approvals created \
            and replies queued \(String(format: "%.1f", advancedAfter)) s after posting, with \
            \(hanging.accepted - hanging.closed) sends hanging; every send timed out by \
            \(String(format: "%.1f", timedOutAfter)) s (the \(peerEvents(hooksLog).count) webhooks all posted by \(String(format: "%.1f", hooksAfter)) s); \
            aiosmtpd on the port: \(messages.count) emails delivered by \(String(format: "%.1f", deliveredAfter)) s, \
            one per lead; SIGTERM: exit \(stopped.map { "\($0.status) after \(String(format: "%.2f", $0.seconds)) s" } ?? "none")
            """)
    }
}
