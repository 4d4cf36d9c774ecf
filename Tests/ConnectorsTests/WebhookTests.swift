import BatonTestSupport
import Blueprint
import Foundation
import Mail
import Signing
import Testing

@testable import Connectors
@testable import Orchestrator

/// Outgoing webhooks, signed, against a small receiver on loopback.
@Suite(.serialized)
struct WebhookTests {
    @Test func aSubscribedEventIsPostedSignedRetriedAfterA500AndDeliveredOnce() async throws {
        let folder = temporaryFolder("baton-webhook")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try await PythonPeer.start(
            "webhook_receiver.py", ["--log", folder + "/requests.log", "--fail-first", "1"])
        defer { receiver.stop() }
        var blueprint = try SMTPDispatchTests.blueprint
        blueprint.connectors.crm.settings["webhooks"] = .list([
            .map([
                "url": .string("http://127.0.0.1:\(receiver.port)/hooks/baton"),
                "secret": .string("${env:BATON_WEBHOOK_SECRET}"), "events": .list([.string("lead.qualified")]),
            ])
        ])
        #expect(throws: ConnectorError.self) { try SignedWebhooks.make(for: blueprint, environment: [:]) }
        let hooks = try #require(
            try SignedWebhooks.make(for: blueprint, environment: ["BATON_WEBHOOK_SECRET": "wh-s3cret"]))
        let clock = SMTPDispatchTests.Clock()
        let store = try RuntimeStore(folder: folder + "/runtime", clock: { clock.now })
        try store.submit(
            type: "lead.received", caseID: "lead-1",
            payload: [
                "name": "Dana", "email": "dana@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap",
            ],
            producer: "intake")
        try await Engine(blueprint: blueprint, store: store).runUntilIdle()
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint, email: EmlFolder(folder: folder + "/outbox"),
            webhooks: SignedWebhooks(hooks: hooks.hooks, timeout: PeerTimeout.seconds, clock: { clock.now }),
            from: "office@example.com")
        try await dispatcher.dispatch()
        let post = try #require(try store.outbox().first { $0.action == "webhook.post" })
        #expect(post.status == .queued && post.attempts == 1)  // the receiver answered 500: tried again later
        clock.now += 31
        try await dispatcher.dispatch()
        clock.now += 3600
        try await dispatcher.dispatch()
        #expect(try store.outbox().first { $0.action == "webhook.post" }?.status == .sent)

        let requests = try String(contentsOfFile: folder + "/requests.log", encoding: .utf8).split(separator: "\n").map
        {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(requests.map { $0["status"] as? Int } == [500, 200])
        for request in requests {
            let headers = try #require(request["headers"] as? [String: String])
            let body = try #require(request["body"] as? String)
            #expect(headers["Idempotency-Key"] == post.idempotencyKey)
            // The signature checks out with the shared secret, over the timestamp and the body as sent.
            let parts = Dictionary(
                uniqueKeysWithValues: (headers["X-Baton-Signature"] ?? "").split(separator: ",").map {
                    let pair = $0.split(separator: "=", maxSplits: 1)
                    return (String(pair[0]), String(pair[1]))
                })
            #expect(
                parts["v1"]
                    == RequestSignature.hex(secret: "wh-s3cret", timestamp: parts["t"] ?? "", body: Data(body.utf8)))
            let event = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(event["type"] as? String == "lead.qualified" && event["case"] as? String == "lead-1")
            #expect((event["payload"] as? [String: Any])?["score"] as? String == "100")
        }
    }
}
