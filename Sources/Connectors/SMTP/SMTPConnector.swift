import Blueprint
import Foundation
import Mail
import NIOSSL
import Orchestrator

/// Sends the dispatcher's emails to an SMTP server (RFC 5321), a batch shared among at most
/// `connections` connections (4), each with a timeout on every exchange: EHLO,
/// STARTTLS where offered (or required), AUTH PLAIN or LOGIN, then MAIL, RCPT and DATA for each
/// message, RSET after a refused one. A 4xx reply, no connection or a timeout leaves the message
/// to be retried; a 5xx reply to the message dead-letters it. Every message carries the
/// Message-ID made from its idempotency key, so a retry after a lost reply is recognisable.
public struct SMTPConnector: EmailConnector {
    /// When to use TLS: upgrade where the server offers STARTTLS (the default), insist on it, or never.
    public enum TLSMode: String, Sendable {
        case whenOffered = "when_offered"
        case required
        case never
    }

    public var host: String
    public var port: Int
    public var tls: TLSMode
    public var username: String?
    public var password: String?
    /// A PEM file of certificate authorities to trust besides the system's (a private server).
    public var trustedCertificates: String?
    /// Seconds each exchange may take: the connection, the greeting, each command (or the message
    /// data) and its reply. A server that goes quiet costs this much, then its emails are retried.
    public var timeout: TimeInterval
    /// The name Baton gives in EHLO.
    public var heloName: String
    /// Connections open at once, at most: a batch is shared among them, in order within each.
    public var connections: Int

    public init(
        host: String, port: Int = 587, tls: TLSMode = .whenOffered, username: String? = nil, password: String? = nil,
        trustedCertificates: String? = nil, timeout: TimeInterval = 30, heloName: String = "baton.localhost",
        connections: Int = 4
    ) {
        self.connections = max(1, connections)
        self.host = host
        self.port = port
        self.tls = tls
        self.username = username
        self.password = password
        self.trustedCertificates = trustedCertificates
        self.timeout = timeout
        self.heloName = heloName
    }

    /// From the blueprint's `connectors.email.settings`: `host`, `port` (587), `tls`
    /// (`when_offered`, `required`, `never`), `username` and `password` (as `${env:NAME}`),
    /// `ca_file`, `timeout_seconds` (30, for each exchange), `connections` (4 at most at once).
    public init(settings: ConnectorSettings) throws {
        let mode = try settings.string("tls") ?? TLSMode.whenOffered.rawValue
        guard let tls = TLSMode(rawValue: mode) else {
            throw ConnectorError("connectors.email.settings.tls is '\(mode)'; use when_offered, required or never")
        }
        self.init(
            host: try settings.required("host"), port: try settings.integer("port", or: 587), tls: tls,
            username: try settings.string("username"), password: try settings.string("password"),
            trustedCertificates: try settings.string("ca_file"),
            timeout: TimeInterval(try settings.integer("timeout_seconds", or: 30)),
            connections: try settings.integer("connections", or: 4))
        if username != nil && password == nil {
            throw ConnectorError("connectors.email.settings has a username but no password")
        }
    }

    public func deliver(_ emails: [OutgoingEmail]) async -> [Int64: DeliveryOutcome] {
        guard !emails.isEmpty else { return [:] }
        // One slice of the batch per connection, in order within a slice.
        let count = min(max(1, connections), emails.count)
        let slices = (0..<count).map { first in
            Array(stride(from: first, to: emails.count, by: count).map { emails[$0] })
        }
        return await BoundedTasks.outcomes(Array(slices.indices), atMost: count) { slice in
            await deliver(overOneConnection: slices[slice])
        }
    }

    /// Sends `emails` one after another over one connection.
    private func deliver(overOneConnection emails: [OutgoingEmail]) async -> [Int64: DeliveryOutcome] {
        var outcomes: [Int64: DeliveryOutcome] = [:]
        do {
            outcomes = try await SMTPSession.with(host: host, port: port, timeout: timeout) { session in
                try await open(session)
                var outcomes: [Int64: DeliveryOutcome] = [:]
                for (index, email) in emails.enumerated() {
                    do {
                        try await send(email, over: session)
                        outcomes[email.id] = .delivered
                    } catch let error as MIMEError {
                        // No safe message can be made of it (a doubtful address): nothing was sent.
                        outcomes[email.id] = .dead("\(error)")
                    } catch let error as SMTPError {
                        outcomes[email.id] = error.isPermanent ? .dead("\(error)") : .retry("\(error)")
                        guard case .reply = error, (try? await session.command("RSET", expect: [250])) != nil else {
                            // The connection is gone: the rest wait for the next attempt.
                            for rest in emails[(index + 1)...] { outcomes[rest.id] = .retry("\(error)") }
                            break
                        }
                    } catch {
                        outcomes[email.id] = .retry("\(error)")
                    }
                }
                return outcomes
            }
        } catch {
            // Not connected, greeted, secured or authenticated: nothing was sent, everything waits for
            // the next attempt (after five, the dispatcher gives up).
            return Dictionary(uniqueKeysWithValues: emails.map { ($0.id, .retry("\(error)")) })
        }
        return outcomes
    }

    /// Greets, secures and authenticates.
    private func open(_ session: SMTPSession) async throws {
        try await session.hello(heloName)
        var secured = false
        if tls != .never && session.offers("STARTTLS") {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let trustedCertificates {
                configuration.additionalTrustRoots = [.file(trustedCertificates)]
            }
            let context = try NIOSSLContext(configuration: configuration)
            let isAddress = host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
            try await session.startTLS(context: context, serverHostname: isAddress ? nil : host, heloName: heloName)
            secured = true
        } else if tls == .required {
            throw SMTPError.unsupported("\(host) does not offer STARTTLS, and the connector requires TLS")
        }
        if let username, let password {
            // A password goes in the clear only when asked for (`tls: never`) or to this machine.
            guard secured || tls == .never || Self.isLoopback(host) else {
                throw SMTPError.unsupported(
                    "\(host) offers no STARTTLS: the password is not sent in the clear (set tls: never to allow it)"
                )
            }
            try await authenticate(session, username, password)
        }
    }

    private func authenticate(_ session: SMTPSession, _ username: String, _ password: String) async throws {
        let mechanisms = session.authMechanisms
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        if mechanisms.contains("PLAIN") {
            try await session.command(
                "AUTH PLAIN " + base64("\0\(username)\0\(password)"), expect: [235], shownAs: "AUTH PLAIN")
        } else if mechanisms.contains("LOGIN") {
            try await session.command("AUTH LOGIN", expect: [334])
            try await session.command(base64(username), expect: [334], shownAs: "AUTH LOGIN (user name)")
            try await session.command(base64(password), expect: [235], shownAs: "AUTH LOGIN (password)")
        } else {
            throw SMTPError.unsupported(
                "\(host) offers no AUTH PLAIN or LOGIN\(mechanisms.isEmpty ? "" : " (it offers \(mechanisms.joined(separator: ", ")))")"
            )
        }
    }

    private func send(_ email: OutgoingEmail, over session: SMTPSession) async throws {
        let eightBit = session.offers("8BITMIME")
        // Built (and its addresses checked) before any command: a refused one sends nothing.
        let message = try MIMEMessage(email).text(eightBit: eightBit)
        let (from, to) = (try MailAddress(email.from, field: "From"), try MailAddress(email.to, field: "To"))
        let needsEightBit = message.utf8.contains { $0 >= 0x80 }
        try await session.command(
            "MAIL FROM:<\(from.address)>\(needsEightBit ? " BODY=8BITMIME" : "")", expect: [250])
        try await session.command("RCPT TO:<\(to.address)>", expect: [250, 251])
        try await session.command("DATA", expect: [354])
        try await session.write(Self.dotStuffed(message) + ".\r\n", for: "DATA (the message)")
        _ = try await session.expect(250, after: "DATA (the message)")
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// A leading dot doubled on every line (RFC 5321 §4.5.2), so no line ends the data early.
    static func dotStuffed(_ message: String) -> String {
        message.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }
}
