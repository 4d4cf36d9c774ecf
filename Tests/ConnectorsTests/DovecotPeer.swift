import Foundation
import Testing

@testable import Connectors

/// Debian's Dovecot on loopback with a throwaway configuration (`Peers/dovecot_server.py`): users
/// in a passwd-file, their Maildirs in a temporary folder, a self-signed certificate for
/// `localhost`. Mail is delivered as a delivery agent does: written into the Maildir's `tmp/`,
/// then renamed into `new/`.
final class DovecotPeer {
    let folder: String
    let certificate: String
    let port: Int
    let tlsPort: Int
    private let server: LoopbackPeer
    private var delivered = 0

    /// Starts Dovecot with `users` (name and password; no `:` in either).
    init(users: [(String, String)] = [("baton", "s3cret")], plain: Bool = false) throws {
        folder = temporaryFolder("baton-imap")
        let (certificate, key) = try SMTPConnectorTests.selfSignedCertificate(in: folder)
        self.certificate = certificate
        port = LoopbackPeer.freePort()
        tlsPort = LoopbackPeer.freePort()
        var arguments = [
            "--folder", folder + "/dovecot", "--port", "\(port)", "--tls-port", "\(tlsPort)", "--cert", certificate,
            "--key", key,
        ]
        for (name, password) in users { arguments += ["--user", "\(name):\(password)"] }
        if plain { arguments.append("--plain") }
        server = try LoopbackPeer("dovecot_server.py", arguments)
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// What Dovecot logged (for a failing test's message).
    var log: String { (try? String(contentsOfFile: folder + "/dovecot/dovecot.log", encoding: .utf8)) ?? "" }

    /// The inbox's configuration for `user`, implicit TLS, the test certificate trusted.
    func configuration(
        user: String = "baton", password: String = "s3cret", security: IMAPConfiguration.Security = .implicit,
        mailbox: String = "INBOX", authentication: IMAPConfiguration.Authentication? = nil, timeout: TimeInterval = 10
    ) -> IMAPConfiguration {
        IMAPConfiguration(
            host: "localhost", port: security == .implicit ? tlsPort : port, security: security, username: user,
            password: password, mailbox: mailbox, authentication: authentication, trustedCertificates: certificate,
            timeout: timeout)
    }

    /// The Maildir of `user`'s `mailbox` (INBOX, or a Maildir++ folder named in modified UTF-7).
    func maildir(user: String = "baton", mailbox: String = "INBOX") -> String {
        let root = folder + "/dovecot/mail/\(user)/Maildir"
        return mailbox == "INBOX" ? root : root + "/." + IMAPCommandText.mailboxName(mailbox)
    }

    /// Delivers a message (its bytes as given) into `user`'s `mailbox`.
    func deliver(_ raw: [UInt8], user: String = "baton", mailbox: String = "INBOX") throws {
        let maildir = maildir(user: user, mailbox: mailbox)
        var made: [String] = []
        for path in [folder + "/dovecot/mail/\(user)", folder + "/dovecot/mail/\(user)/Maildir", maildir]
            + ["tmp", "new", "cur"].map({ maildir + "/" + $0 })
        where !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            made.append(path)
        }
        delivered += 1
        let name = "\(Int(Date().timeIntervalSince1970)).M\(delivered)P\(getpid()).baton-test"
        let temporary = maildir + "/tmp/" + name
        try Data(raw).write(to: URL(fileURLWithPath: temporary))
        made.append(temporary)
        // Dovecot reads and renames as `nobody` when the tests run as root (see dovecot_server.py).
        if geteuid() == 0 { for path in made { chown(path, 65534, 65534) } }
        try FileManager.default.moveItem(atPath: temporary, toPath: maildir + "/new/" + name)
    }

    func deliver(_ text: String, user: String = "baton", mailbox: String = "INBOX") throws {
        try deliver(Array(text.utf8), user: user, mailbox: mailbox)
    }

    /// The names of the messages Dovecot has flagged `\Seen` (`:2,…S…` in `cur/`).
    func seenCount(user: String = "baton") -> Int {
        let cur = maildir(user: user) + "/cur"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cur)) ?? []
        return names.filter { name in
            name.split(separator: ":").last.map { $0.hasPrefix("2,") && $0.contains("S") } ?? false
        }
        .count
    }

    /// Gives the mailbox a new UIDVALIDITY, as a server does when it rebuilds it.
    func changeUIDValidity(to validity: UInt32, user: String = "baton") throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "doveadm", "-c", folder + "/dovecot/dovecot.conf", "mailbox", "update", "-u", user, "--uid-validity",
            "\(validity)", "INBOX",
        ]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
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
