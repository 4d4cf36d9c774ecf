import BatonTestSupport
import Blueprint
import Foundation
import Mail
import Spawning
import Testing

@testable import Connectors
@testable import Orchestrator

/// The SMTP connector against a real SMTP server (aiosmtpd) started on loopback.
@Suite(.serialized)
struct SMTPConnectorTests {
    /// What the server stored of each message it accepted, read back by Python's email package.
    static func received(_ folder: String) throws -> [[String: Any]] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
            .sorted { Int($0.dropLast(5))! < Int($1.dropLast(5))! }
            .map { try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/" + $0))) }
            .compactMap { $0 as? [String: Any] }
    }

    static func email(_ id: Int64, to: String, subject: String = "Your request", text: String = "Hello.")
        -> OutgoingEmail
    {
        OutgoingEmail(
            id: id, key: "test-\(id)", from: "Bow River <office@bowriver.example>", to: to, subject: subject,
            text: text,
            date: Date(timeIntervalSince1970: 1_772_467_200))
    }

    @Test func messagesArriveWithTheirHeadersAndBothParts() async throws {
        let folder = temporaryFolder("baton-smtp")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await PythonPeer.start("smtp_server.py", ["--folder", folder])
        defer { server.stop() }
        let body =
            "Bonjour Zoé, merci — voici nos disponibilités.\n.a line that starts with a dot\n\nBook one here: https://book.baton.local/lead-1\n\nBow River"
        let connector = SMTPConnector(host: "127.0.0.1", port: server.port, timeout: PeerTimeout.seconds)
        let outcomes = await connector.deliver([
            Self.email(1, to: "zoe@example.com", subject: "Votre demande à Bow River 🙂", text: body),
            Self.email(2, to: "dana@example.com"),
        ])
        #expect(outcomes == [1: .delivered, 2: .delivered])
        // The two went over two connections at once: found by Message-ID, not by arrival.
        let received = try Self.received(folder)
        try #require(received.count == 2)
        let messages = received.sorted { ($0["message_id"] as? String ?? "") < ($1["message_id"] as? String ?? "") }
        let first = messages[0]
        #expect(first["subject"] as? String == "Votre demande à Bow River 🙂")
        #expect(first["message_id"] as? String == "<test-1@baton.local>")
        #expect(first["from"] as? String == "Bow River <office@bowriver.example>")
        #expect(first["to"] as? String == "zoe@example.com")
        #expect(first["date"] as? String == "Mon, 02 Mar 2026 16:00:00 +0000")
        #expect(first["content_type"] as? String == "multipart/alternative")
        #expect(first["mail_from"] as? String == "office@bowriver.example")
        #expect(first["rcpt_tos"] as? [String] == ["zoe@example.com"])
        #expect(first["mail_options"] as? [String] == ["BODY=8BITMIME"])
        #expect(first["defects"] as? [String] == [])
        // The text part arrives exactly (CRLF line ends, as sent), the leading dot included (dot-stuffed on the wire, unstuffed by the server).
        #expect(first["text"] as? String == body.replacingOccurrences(of: "\n", with: "\r\n"))
        let html = try #require(first["html"] as? String)
        #expect(html.contains(#"<a href="https://book.baton.local/lead-1">https://book.baton.local/lead-1</a>"#))
        #expect(html.contains("Bonjour Zoé, merci — voici nos disponibilités.<br>"))
        #expect(messages[1]["message_id"] as? String == "<test-2@baton.local>")
        #expect(messages[1]["mail_options"] as? [String] == [])  // plain ASCII needs no 8BITMIME
    }

    @Test func aRefusedRecipientIsDeadADeferredOneWaitsAndTheRestStillGo() async throws {
        let folder = temporaryFolder("baton-smtp")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await PythonPeer.start(
            "smtp_server.py", ["--folder", folder, "--reject", "nobody@example.com", "--defer", "busy@example.com"])
        defer { server.stop() }
        let outcomes = await SMTPConnector(host: "127.0.0.1", port: server.port, timeout: PeerTimeout.seconds).deliver([
            Self.email(1, to: "nobody@example.com"), Self.email(2, to: "busy@example.com"),
            Self.email(3, to: "dana@example.com"),
        ])
        #expect(outcomes[1] == .dead("RCPT TO:<nobody@example.com> refused: 550 5.1.1 no such user here"))
        #expect(outcomes[2] == .retry("RCPT TO:<busy@example.com> refused: 451 4.3.0 try again later"))
        #expect(outcomes[3] == .delivered)
        #expect(try Self.received(folder).map { $0["to"] as? String } == ["dana@example.com"])
    }

    @Test(arguments: [1, 3, 8])
    func aBatchSharedAmongConnectionsArrivesOnceEach(connections: Int) async throws {
        let folder = temporaryFolder("baton-smtp")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await PythonPeer.start(
            "smtp_server.py", ["--folder", folder, "--reject", "nobody@example.com"])
        defer { server.stop() }
        // Eleven emails, one refused in the middle: its connection says RSET and goes on.
        let emails = (1...11).map {
            Self.email(Int64($0), to: $0 == 5 ? "nobody@example.com" : "lead\($0)@example.com")
        }
        let outcomes = await SMTPConnector(
            host: "127.0.0.1", port: server.port, timeout: PeerTimeout.seconds, connections: connections
        )
        .deliver(emails)
        #expect(outcomes.count == 11)
        #expect(outcomes.filter { $0.value == .delivered }.count == 10)
        guard case .dead = outcomes[5] else {
            Issue.record("the refused recipient must be dead, got \(String(describing: outcomes[5]))")
            return
        }
        let ids = try Self.received(folder).compactMap { $0["message_id"] as? String }
        #expect(ids.sorted() == emails.filter { $0.id != 5 }.map { "<\($0.key)@baton.local>" }.sorted())
    }

    @Test func noServerMeansTryAgainLater() async {
        let outcomes = await SMTPConnector(host: "127.0.0.1", port: LoopbackPort.free(), timeout: 5).deliver([
            Self.email(1, to: "dana@example.com")
        ])
        guard case .retry(let reason) = outcomes[1] else {
            Issue.record("expected a retry, got \(String(describing: outcomes[1]))")
            return
        }
        #expect(reason.contains("cannot reach 127.0.0.1"))
    }

    @Test func startTLSAndAuthenticationWithAPrivateCertificate() async throws {
        let folder = temporaryFolder("baton-smtp")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (certificate, key) = try Self.selfSignedCertificate(in: folder)
        let server = try await PythonPeer.start(
            "smtp_server.py", ["--folder", folder + "/mail", "--tls", certificate, key, "--auth", "baton:s3cret"])
        defer { server.stop() }
        var connector = SMTPConnector(
            host: "localhost", port: server.port, tls: .required, username: "baton", password: "s3cret",
            trustedCertificates: certificate, timeout: PeerTimeout.seconds)
        #expect(await connector.deliver([Self.email(1, to: "dana@example.com")]) == [1: .delivered])
        let message = try #require(try Self.received(folder + "/mail").first)
        #expect(message["tls"] as? Bool == true)
        #expect(message["authenticated"] as? Bool == true)
        // A wrong password: nothing sent, tried again later (the settings may be fixed meanwhile).
        connector.password = "wrong"
        guard case .retry(let reason) = await connector.deliver([Self.email(2, to: "dana@example.com")])[2] else {
            Issue.record("a refused login must be retried")
            return
        }
        #expect(reason.contains("AUTH PLAIN refused: 535"))
        // A certificate nobody vouches for: no TLS, nothing sent in the clear either.
        connector.password = "s3cret"
        connector.trustedCertificates = nil
        guard case .retry(let untrusted) = await connector.deliver([Self.email(3, to: "dana@example.com")])[3] else {
            Issue.record("an untrusted certificate must stop the send")
            return
        }
        #expect(untrusted.contains("TLS"), "\(untrusted)")
        #expect(try Self.received(folder + "/mail").count == 1)
    }

    /// A certificate for `localhost`, made by the openssl command line.
    static func selfSignedCertificate(in folder: String) throws -> (String, String) {
        let certificate = folder + "/cert.pem"
        let key = folder + "/key.pem"
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days",
            "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
        ]
        process.standardOutput = .nullDevice
        process.standardError = .nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return (certificate, key)
    }
}
