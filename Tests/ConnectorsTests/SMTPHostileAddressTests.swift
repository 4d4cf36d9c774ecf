import BatonTestSupport
import Foundation
import Mail
import Testing

@testable import Connectors

/// An address that is not one plain address never reaches the SMTP server: not as a command, not
/// as a header.
@Suite(.serialized)
struct SMTPHostileAddressTests {
    @Test func aDoubtfulAddressIsDeadAndNothingOfItIsSent() async throws {
        let folder = temporaryFolder("baton-smtp")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await PythonPeer.start("smtp_server.py", ["--folder", folder])
        defer { server.stop() }
        let connector = SMTPConnector(host: "127.0.0.1", port: server.port, timeout: PeerTimeout.seconds)
        let outcomes = await connector.deliver([
            SMTPConnectorTests.email(1, to: "dana@example.com>\r\nRCPT TO:<evil@example.com"),
            SMTPConnectorTests.email(2, to: "dana@example.com, evil@example.com"),
            SMTPConnectorTests.email(3, to: "Dana\r\nBcc: evil@example.com <dana@example.com>"),
            SMTPConnectorTests.email(4, to: "dana@example.com", subject: "Hi\r\nBcc: evil@example.com"),
        ])
        for id in [1, 2, 3] as [Int64] {
            guard case .dead(let why) = outcomes[id] else {
                Issue.record("\(id): \(String(describing: outcomes[id]))")
                continue
            }
            #expect(why.hasPrefix("the To address "), "\(why)")
        }
        #expect(outcomes[4] == .delivered)  // a subject's line break is only a space
        let received = try SMTPConnectorTests.received(folder)
        #expect(received.count == 1)
        #expect(received.first?["rcpt_tos"] as? [String] == ["dana@example.com"])
        #expect(received.first?["subject"] as? String == "Hi  Bcc: evil@example.com")
    }
}
