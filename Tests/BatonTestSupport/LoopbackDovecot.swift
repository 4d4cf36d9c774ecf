import Foundation
import Spawning

/// Debian's Dovecot on loopback with a throwaway configuration (the script
/// `Tests/ConnectorsTests/Peers/dovecot_server.py`): users in a passwd-file, their Maildirs in a
/// temporary folder, a self-signed certificate for `localhost` made by openssl. Mail is delivered as
/// a delivery agent does: written into the Maildir's `tmp/`, then renamed into `new/`. Shared by the
/// connector's tests and the end-to-end tests of `baton run`.
public final class LoopbackDovecot: @unchecked Sendable {  // used by one test at a time; `delivered` only from it
    public let folder: String
    /// The certificate (PEM) the server shows, for the client's `ca_file`.
    public let certificate: String
    /// IMAP with STARTTLS, and IMAP over TLS from the first byte.
    public let port: Int
    public let tlsPort: Int
    private let process: ChildProcess
    private let input: Pipe
    private var delivered = 0

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts Dovecot with `users` (name and password; no `:` in either) and waits (up to 2 minutes) until
    /// it accepts connections. `plain` also allows the password without TLS.
    public init(users: [(String, String)] = [("baton", "s3cret")], plain: Bool = false) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-imap-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        certificate = folder + "/cert.pem"
        let openssl = ChildProcess()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", folder + "/key.pem", "-out",
            certificate, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
        ]
        openssl.standardOutput = .nullDevice
        openssl.standardError = .nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else { throw Failure(description: "openssl could not make a certificate") }
        port = LoopbackPort.free()
        tlsPort = LoopbackPort.free()
        var arguments = [
            "--folder", folder + "/dovecot", "--port", "\(port)", "--tls-port", "\(tlsPort)", "--cert", certificate,
            "--key", folder + "/key.pem",
        ]
        for (name, password) in users { arguments += ["--user", "\(name):\(password)"] }
        if plain { arguments.append("--plain") }
        let script = BatonBinary.packageRoot.appendingPathComponent("Tests/ConnectorsTests/Peers/dovecot_server.py")
        process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = .pipe(input)
        process.standardOutput = .pipe(output)
        process.standardError = .nullDevice
        try process.run()
        let seen = PythonPeer.firstLine(of: output, from: process)
        guard seen.hasPrefix("PORT ") else {
            process.terminate()
            throw Failure(
                description: "Dovecot did not start (is dovecot-imapd installed? ./scripts/test installs it): \(seen)")
        }
    }

    /// Stops Dovecot (SIGTERM to the script, which stops it) and removes the folder.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? input.fileHandleForWriting.close()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// ``init(users:plain:)`` waited for on a thread of its own: making the certificate and starting
    /// Dovecot never hold one of the cooperative threads the rest of the suite needs.
    public static func start(users: [(String, String)] = [("baton", "s3cret")], plain: Bool = false) async throws
        -> LoopbackDovecot
    {
        try await onThread { try LoopbackDovecot(users: users, plain: plain) }
    }

    deinit { stop() }

    /// What Dovecot logged (for a failing test's message).
    public var log: String { (try? String(contentsOfFile: folder + "/dovecot/dovecot.log", encoding: .utf8)) ?? "" }

    /// The Maildir of `user`'s INBOX, or of the Maildir++ folder named `folder` on disk (a mailbox's
    /// name in modified UTF-7).
    public func maildir(user: String = "baton", folder name: String? = nil) -> String {
        let root = folder + "/dovecot/mail/\(user)/Maildir"
        return name.map { root + "/." + $0 } ?? root
    }

    /// Delivers a message (its bytes as given) into `user`'s INBOX or Maildir++ `folder`.
    public func deliver(_ raw: [UInt8], user: String = "baton", folder name: String? = nil) throws {
        let maildir = maildir(user: user, folder: name)
        var made: [String] = []
        for path in [folder + "/dovecot/mail/\(user)", folder + "/dovecot/mail/\(user)/Maildir", maildir]
            + ["tmp", "new", "cur"].map({ maildir + "/" + $0 })
        where !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            made.append(path)
        }
        delivered += 1
        let file = "\(Int(Date().timeIntervalSince1970)).M\(delivered)P\(getpid()).baton-test"
        let temporary = maildir + "/tmp/" + file
        try Data(raw).write(to: URL(fileURLWithPath: temporary))
        made.append(temporary)
        // Dovecot reads and renames as `nobody` when the tests run as root (see dovecot_server.py).
        if geteuid() == 0 { for path in made { chown(path, 65534, 65534) } }
        try FileManager.default.moveItem(atPath: temporary, toPath: maildir + "/new/" + file)
    }

    public func deliver(_ text: String, user: String = "baton", folder name: String? = nil) throws {
        try deliver(Array(text.utf8), user: user, folder: name)
    }

    /// How many of `user`'s INBOX messages Dovecot has flagged `\Seen` (`:2,…S…` in `cur/`).
    public func seenCount(user: String = "baton") -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: maildir(user: user) + "/cur")) ?? []
        return names.filter { name in
            name.split(separator: ":").last.map { $0.hasPrefix("2,") && $0.contains("S") } ?? false
        }.count
    }

    /// Gives the INBOX a new UIDVALIDITY, as a server does when it rebuilds a mailbox.
    public func changeUIDValidity(to validity: UInt32, user: String = "baton") throws {
        let doveadm = ChildProcess()
        doveadm.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        doveadm.arguments = [
            "doveadm", "-c", folder + "/dovecot/dovecot.conf", "mailbox", "update", "-u", user, "--uid-validity",
            "\(validity)", "INBOX",
        ]
        try doveadm.run()
        doveadm.waitUntilExit()
        guard doveadm.terminationStatus == 0 else { throw Failure(description: "doveadm mailbox update failed") }
    }
}
