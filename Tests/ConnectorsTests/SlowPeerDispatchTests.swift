import BatonTestSupport
import Blueprint
import Foundation
import Mail
import Testing

@testable import Connectors
@testable import Orchestrator

/// The dispatcher against servers that hang: an SMTP server (or a webhook receiver) that accepts
/// the connection and never answers delays only its own sends, which time out and are retried
/// without ever being sent twice; the other connectors' actions go in the same dispatch.
@Suite(.serialized)
struct SlowPeerDispatchTests {
    /// The plumbing blueprint with its `lead.qualified` webhook pointed at `url`.
    static func blueprint(webhook url: String) throws -> Blueprint {
        var blueprint = try SMTPDispatchTests.blueprint
        blueprint.connectors.crm.settings["webhooks"] = .list([
            .map([
                "url": .string(url), "secret": .string("wh-s3cret"), "events": .list([.string("lead.qualified")]),
            ])
        ])
        return blueprint
    }

    /// The JSON lines the peers appended to a shared log, in the order they were written.
    static func events(_ path: String) throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func aSilentSMTPServerTimesOutTheEmailsOnlyAndNothingIsSentTwiceWhenItComesBack() async throws {
        let folder = temporaryFolder("baton-silent-smtp")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try await PythonPeer.start("webhook_receiver.py", ["--log", folder + "/hooks.log"])
        defer { receiver.stop() }
        let silent = try await PythonPeer.start("silent_server.py", ["--log", folder + "/silent.log"])
        defer { silent.stop() }
        let clock = SMTPDispatchTests.Clock()
        let blueprint = try Self.blueprint(webhook: "http://127.0.0.1:\(receiver.port)/hooks/baton")
        let store = try await SMTPDispatchTests.leads(3, blueprint: blueprint, folder: folder, clock: clock)
        let hooks = try #require(try SignedWebhooks.make(for: blueprint, environment: [:]))
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint,
            email: SMTPConnector(host: "127.0.0.1", port: silent.port, timeout: 1),
            webhooks: SignedWebhooks(hooks: hooks.hooks, timeout: PeerTimeout.seconds, clock: { clock.now }),
            from: "office@bowriver.example")

        // The server accepts and says nothing: the emails time out; the CRM updates and the webhooks go.
        let started = ContinuousClock.now
        let sent = try await dispatcher.dispatch()
        // Bounded (a silent server would otherwise hold it forever), generously: in the full suite on
        // two cores a resumed task may wait minutes for a thread (one run here took 16 s, and the
        // suite's first minutes hold every thread for longer).
        #expect(ContinuousClock.now - started < .seconds(600), "the 1 s timeout bounds a silent server")
        let outbox = try store.outbox()
        let emails = outbox.filter { $0.action == "email.send" }
        try #require(emails.count == 3)
        #expect(sent == outbox.count - emails.count)
        for email in emails {
            #expect(email.status == .queued && email.attempts == 1)
            #expect(email.nextAttemptAt == clock.now.addingTimeInterval(Dispatcher.backoff(afterFailures: 1)))
            #expect(
                email.lastError?.contains("timed out after 1 s waiting for the reply to connecting") == true,
                "\(email.lastError ?? "")")
        }
        #expect(outbox.filter { $0.action == "webhook.post" }.map(\.status) == [.sent, .sent, .sent])
        #expect(outbox.filter { $0.action == "crm.update" }.map(\.status) == [.sent, .sent, .sent])
        #expect(try Self.events(folder + "/hooks.log").count == 3)
        #expect(try store.audit().filter { $0.kind == "retry" }.count == 3)
        // The connector did reach the server, sent it nothing (it never greeted), and hung up.
        let silentEvents = try Self.events(folder + "/silent.log")
        #expect(silentEvents.contains { $0["event"] as? String == "accepted" })
        #expect(silentEvents.allSatisfy { ($0["received"] as? Int ?? 0) == 0 })

        // A real server on the same port; after the backoff each email arrives exactly once.
        silent.stop()
        let server = try await PythonPeer.start(
            "smtp_server.py", ["--folder", folder + "/mail", "--port", "\(silent.port)"])
        defer { server.stop() }
        // The same store and clock, a connector with a timeout a loaded machine cannot outrun (the
        // 1 s one above is the silent server's subject, not the real server's).
        let recovered = Dispatcher(
            store: store, blueprint: blueprint,
            email: SMTPConnector(host: "127.0.0.1", port: silent.port, timeout: 30),
            webhooks: SignedWebhooks(hooks: hooks.hooks, timeout: PeerTimeout.seconds, clock: { clock.now }),
            from: "office@bowriver.example")
        #expect(try await recovered.dispatch() == 0)  // not due yet
        clock.now += Dispatcher.backoff(afterFailures: 1) + 1
        #expect(try await recovered.dispatch() == 3)
        clock.now += 7200
        #expect(try await recovered.dispatch() == 0)
        let replies = try store.outbox().filter { $0.action == "email.send" }
        #expect(replies.allSatisfy { $0.status == .sent && $0.attempts == 2 })
        let ids = try SMTPConnectorTests.received(folder + "/mail").compactMap { $0["message_id"] as? String }
        #expect(ids.count == 3)
        #expect(Set(ids) == Set(replies.map { "<\($0.idempotencyKey).\(store.installID)@baton.local>" }))
        #expect(try Self.events(folder + "/hooks.log").count == 3)  // the webhooks were not posted again
    }

    /// Which connector hangs: the email one (SMTP), or the webhook one (HTTP).
    enum Slow: String, CaseIterable, Sendable {
        case email, webhook
    }

    @Test(arguments: Slow.allCases)
    func twoSendsToAHungServerDoNotHoldUpAFastConnector(_ slow: Slow) async throws {
        let folder = temporaryFolder("baton-slow-\(slow)")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Every peer appends to one log, so the order of what happened is the order of its lines.
        let log = folder + "/events.log"
        let silent = try await PythonPeer.start("silent_server.py", ["--log", log])
        defer { silent.stop() }
        let fast: PythonPeer
        let email: SMTPConnector
        let webhook: String
        // Long enough that the fast peer's two deliveries fit in it under the full suite's load: at 3 s,
        // one CI run saw the second SMTP message arrive after the hung webhook had given up.
        let timeout: TimeInterval = 30
        switch slow {
        case .email:
            fast = try await PythonPeer.start("webhook_receiver.py", ["--log", log])
            email = SMTPConnector(host: "127.0.0.1", port: silent.port, timeout: timeout)
            webhook = "http://127.0.0.1:\(fast.port)/hooks/baton"
        case .webhook:
            fast = try await PythonPeer.start("smtp_server.py", ["--folder", folder + "/mail", "--log", log])
            email = SMTPConnector(host: "127.0.0.1", port: fast.port, timeout: timeout)
            webhook = "http://127.0.0.1:\(silent.port)/hooks/baton"
        }
        defer { fast.stop() }
        let clock = SMTPDispatchTests.Clock()
        let blueprint = try Self.blueprint(webhook: webhook)
        let store = try await SMTPDispatchTests.leads(2, blueprint: blueprint, folder: folder, clock: clock)
        let hooks = try #require(try SignedWebhooks.make(for: blueprint, environment: [:]))
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint, email: email,
            webhooks: SignedWebhooks(hooks: hooks.hooks, timeout: timeout, clock: { clock.now }),
            from: "office@bowriver.example")
        try await dispatcher.dispatch()

        let events = try Self.events(log)
        // The fast peer's deliveries: a webhook request (it has a status), or a message.
        let delivered = events.indices.filter {
            events[$0]["status"] != nil || events[$0]["event"] as? String == "message"
        }
        let gaveUp = events.indices.filter { events[$0]["event"] as? String == "closed" }
        #expect(delivered.count == 2, "\(events)")
        #expect(gaveUp.count >= 1, "the hung server saw the connector give up: \(events)")
        // Both fast deliveries happened before the slow connector gave up on its first send.
        #expect((delivered.max() ?? .max) < (gaveUp.min() ?? .min), "\(events)")
        let outbox = try store.outbox()
        let slowAction: ActionKind = slow == .email ? .emailSend : WebhookSubscriptions.action
        #expect(outbox.filter { $0.action == slowAction }.map(\.status) == [.queued, .queued])
        #expect(
            outbox.filter { $0.action == (slow == .email ? "webhook.post" : "email.send") }.map(\.status) == [
                .sent, .sent,
            ])
    }
}
