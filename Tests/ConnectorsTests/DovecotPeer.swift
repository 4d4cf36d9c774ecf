import BatonTestSupport
import Foundation

@testable import Connectors

/// The test Dovecot (``LoopbackDovecot``) as the IMAP connector's tests use it.
typealias DovecotPeer = LoopbackDovecot

extension LoopbackDovecot {
    /// The inbox's configuration for `user`, implicit TLS, the test certificate trusted.
    func configuration(
        user: String = "baton", password: String = "s3cret", security: IMAPConfiguration.Security = .implicit,
        mailbox: String = "INBOX", authentication: IMAPConfiguration.Authentication? = nil,
        timeout: TimeInterval = PeerTimeout.seconds
    ) -> IMAPConfiguration {
        IMAPConfiguration(
            host: "localhost", port: security == .implicit ? tlsPort : port, security: security, username: user,
            password: password, mailbox: mailbox, authentication: authentication, trustedCertificates: certificate,
            timeout: timeout)
    }

    /// Delivers into `mailbox` (a Maildir++ folder named in modified UTF-7, or INBOX).
    func deliver(_ text: String, mailbox: String) throws {
        try deliver(text, folder: mailbox == "INBOX" ? nil : IMAPCommandText.mailboxName(mailbox))
    }

    /// A message as a mail client writes it, CRLF line ends.
    static func message(_ number: Int, subject: String = "Quote", body: String = "Hi, I need a quote for next week.")
        -> String
    {
        [
            "From: Lead \(number) <lead\(number)@example.com>", "To: office@bowriver.example",
            "Subject: \(subject) \(number)", "Message-ID: <lead-\(number)@example.com>",
            "Date: Mon, 02 Mar 2026 16:00:00 +0000", "", body, "",
        ].joined(separator: "\r\n")
    }
}
