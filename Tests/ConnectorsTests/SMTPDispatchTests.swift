import BatonTestSupport
import Blueprint
import Foundation
import Mail
import Testing

@testable import Connectors
@testable import Orchestrator

/// The dispatcher sending the lead flow's replies through SMTP, across a server outage.
@Suite(.serialized)
struct SMTPDispatchTests {
    final class Clock: @unchecked Sendable {
        // @unchecked: only the test's own thread moves it.
        var now = Date(timeIntervalSince1970: 1_772_467_200)
    }

    static var blueprint: Blueprint {
        get throws {
            try BlueprintFile.load(
                path: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("BlueprintTests/Golden/plumbing-contractor.blueprint.yaml").path)
        }
    }

    /// `count` leads through the engine: each queues a CRM update and a reply (and a webhook post
    /// when the blueprint has a `lead.qualified` webhook).
    static func leads(_ count: Int, blueprint: Blueprint, folder: String, clock: Clock) async throws -> RuntimeStore {
        let store = try RuntimeStore(folder: folder + "/runtime", clock: { clock.now })
        for n in 1...count {
            try store.submit(
                type: "lead.received", caseID: "lead-\(n)",
                payload: [
                    "name": "Lead \(n)", "email": "lead\(n)@example.com", "budget": "4000", "city": "Calgary",
                    "timeline": "asap",
                ], producer: "intake")
        }
        try await Engine(blueprint: blueprint, store: store).runUntilIdle()
        return store
    }

    @Test func anOutageIsRetriedAndAfterRecoveryEachReplyArrivesOnce() async throws {
        let folder = temporaryFolder("baton-smtp-outage")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let port = LoopbackPort.free()
        let clock = Clock()
        let blueprint = try Self.blueprint
        let store = try await Self.leads(3, blueprint: blueprint, folder: folder, clock: clock)
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint,
            email: SMTPConnector(host: "127.0.0.1", port: port, timeout: PeerTimeout.seconds),
            from: "Bow River <office@bowriver.example>")

        // The server is down: the CRM updates go, the three replies wait with a backoff.
        #expect(try await dispatcher.dispatch() == 3)
        var replies = try store.outbox().filter { $0.action == "email.send" }
        #expect(replies.allSatisfy { $0.status == .queued && $0.attempts == 1 && $0.nextAttemptAt != nil })
        #expect(replies.allSatisfy { $0.lastError?.contains("cannot reach 127.0.0.1:\(port)") == true })
        clock.now += 31
        #expect(try await dispatcher.dispatch() == 0)  // still down on the second attempt
        #expect(try store.outbox().filter { $0.action == "email.send" }.allSatisfy { $0.attempts == 2 })

        // It comes back: after the backoff each reply is sent, once; later runs send nothing more.
        let server = try await PythonPeer.start("smtp_server.py", ["--folder", folder + "/mail", "--port", "\(port)"])
        defer { server.stop() }
        clock.now += 30
        #expect(try await dispatcher.dispatch() == 0)  // not due yet: the second failure set a minute
        clock.now += 60
        #expect(try await dispatcher.dispatch() == 3)
        clock.now += 7200
        #expect(try await dispatcher.dispatch() == 0)
        replies = try store.outbox().filter { $0.action == "email.send" }
        #expect(replies.allSatisfy { $0.status == .sent && $0.attempts == 3 })
        let received = try SMTPConnectorTests.received(folder + "/mail")
        #expect(received.count == 3)
        #expect(
            Set(received.compactMap { $0["to"] as? String }) == [
                "lead1@example.com", "lead2@example.com", "lead3@example.com",
            ])
        #expect(
            Set(received.compactMap { $0["message_id"] as? String })
                == Set(replies.map { "<\($0.idempotencyKey).\(store.installID)@baton.local>" }))
        #expect(
            received.allSatisfy {
                ($0["text"] as? String)?.contains("Reply to this email with the time that suits you") == true
            })
        #expect(try store.audit().filter { $0.kind == "retry" }.count == 6)
    }

    @Test func theBlueprintChoosesTheConnectorAndSecretsComeFromTheEnvironment() throws {
        var blueprint = try Self.blueprint
        blueprint.connectors.email = Connector(
            kind: "smtp",
            settings: [
                "host": .string("mail.example.com"), "port": .number(2525), "tls": .string("required"),
                "username": .string("office"), "password": .string("${env:BATON_SMTP_PASSWORD}"),
                "from": .string("Bow River <office@bowriver.example>"),
            ])
        let connector = try EmailConnectors.make(
            for: blueprint, dataFolder: "/tmp", environment: ["BATON_SMTP_PASSWORD": "s3cret"])
        let smtp = try #require(connector as? SMTPConnector)
        #expect(smtp.host == "mail.example.com" && smtp.port == 2525 && smtp.tls == .required)
        #expect(smtp.password == "s3cret")
        #expect(try EmailConnectors.sender(for: blueprint, environment: [:]) == "Bow River <office@bowriver.example>")
        #expect(throws: ConnectorError.self) {
            try EmailConnectors.make(for: blueprint, dataFolder: "/tmp", environment: [:])
        }
        do {
            _ = try EmailConnectors.make(for: blueprint, dataFolder: "/tmp", environment: [:])
        } catch {
            #expect(
                "\(error)"
                    == "connectors.email.settings.password reads the environment variable BATON_SMTP_PASSWORD, which is not set"
            )
        }
        blueprint.connectors.email = Connector(kind: "eml_folder", settings: ["folder": .string("mail")])
        #expect((try EmailConnectors.make(for: blueprint, dataFolder: "/data") as? EmlFolder)?.folder == "/data/mail")
    }
}
