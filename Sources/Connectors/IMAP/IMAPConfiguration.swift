import Blueprint
import Foundation
import Mail
import NIOSSL

/// Where and how ``IMAPInbox`` reads mail: the server, TLS, the account, the mailbox and the bounds.
public struct IMAPConfiguration: Sendable {
    /// How the connection is secured: TLS from the first byte (port 993), STARTTLS (port 143), or
    /// not at all, which is allowed only to a loopback host (a test server on this machine).
    public enum Security: String, Sendable {
        case implicit
        case startTLS = "starttls"
        case none
    }

    /// The sign-in: AUTHENTICATE PLAIN or LOGIN. Nil chooses PLAIN when offered, else LOGIN.
    public enum Authentication: String, Sendable {
        case plain
        case login
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String
    public var password: String
    public var mailbox: String
    public var authentication: Authentication?
    /// A PEM file of certificate authorities to trust besides the system's (a private server).
    public var trustedCertificates: String?
    /// Seconds each exchange may take: the connection, the greeting, each command and the
    /// server's answer (restarted while bytes keep coming).
    public var timeout: TimeInterval
    /// IDLE when the server offers it; false polls every poll interval instead.
    public var useIdle: Bool
    /// How long one IDLE lasts at most before DONE and a new one (RFC 2177: under 29 minutes).
    public var idlePeriod: Duration
    /// A message's bytes read at most: a larger one is read up to here (its headers and text come
    /// first), the rest left on the server. By default what the MIME reader reads of a message.
    public var maxMessageBytes: Int
    /// The bytes one ``IMAPInbox/fetchNew(after:limit:)`` gathers before it returns (at least one message).
    public var maxBatchBytes: Int
    /// A response line's bytes at most, its literals apart.
    public var maxLineBytes: Int

    public init(
        host: String, port: Int? = nil, security: Security = .implicit, username: String, password: String,
        mailbox: String = "INBOX", authentication: Authentication? = nil, trustedCertificates: String? = nil,
        timeout: TimeInterval = 30, useIdle: Bool = true, idlePeriod: Duration = .seconds(25 * 60),
        maxMessageBytes: Int = IncomingMessage.Limits().maxBytes, maxBatchBytes: Int = 64 << 20,
        maxLineBytes: Int = 1 << 20
    ) {
        self.host = host
        self.port = port ?? (security == .implicit ? 993 : 143)
        self.security = security
        self.username = username
        self.password = password
        self.mailbox = mailbox
        self.authentication = authentication
        self.trustedCertificates = trustedCertificates
        self.timeout = timeout
        self.useIdle = useIdle
        self.idlePeriod = min(idlePeriod, .seconds(28 * 60))
        self.maxMessageBytes = max(1024, maxMessageBytes)
        self.maxBatchBytes = max(1, maxBatchBytes)
        self.maxLineBytes = max(1024, maxLineBytes)
    }

    /// From the blueprint's `connectors.inbox.settings` (kind `imap`): `host`, `port` (993, or 143
    /// with STARTTLS), `tls` (`implicit`, `starttls`, or `none` for a loopback host only),
    /// `username` and `password` (as `${env:NAME}`), `mailbox` (INBOX), `auth` (`plain` or
    /// `login`; the server's offer by default), `ca_file`, `timeout_seconds` (30), `idle` (true),
    /// `max_message_bytes` (10 MiB, what the MIME reader reads of a message).
    public init(settings: ConnectorSettings) throws {
        let mode = try settings.string("tls") ?? Security.implicit.rawValue
        guard let security = Security(rawValue: mode) else {
            throw ConnectorError("connectors.inbox.settings.tls is '\(mode)'; use implicit, starttls or none")
        }
        let host = try settings.required("host")
        if security == .none && !Self.isLoopback(host) {
            throw ConnectorError(
                "connectors.inbox.settings.tls is none, which is allowed only for a server on this machine (127.0.0.1, ::1, localhost), not \(host)"
            )
        }
        var authentication: Authentication?
        if let auth = try settings.string("auth") {
            guard let chosen = Authentication(rawValue: auth) else {
                throw ConnectorError("connectors.inbox.settings.auth is '\(auth)'; use plain or login")
            }
            authentication = chosen
        }
        var useIdle = true
        if let idle = try settings.string("idle") {
            guard let value = Bool(idle) else {
                throw ConnectorError("connectors.inbox.settings.idle is '\(idle)'; use true or false")
            }
            useIdle = value
        }
        let timeout = try settings.integer("timeout_seconds", or: 30)
        let maxMessageBytes = try settings.integer("max_message_bytes", or: IncomingMessage.Limits().maxBytes)
        let port: Int? = try settings.string("port") == nil ? nil : try settings.integer("port", or: 0)
        if let port, !(1...65535).contains(port) {
            throw ConnectorError("connectors.inbox.settings.port is \(port); use a port from 1 to 65535")
        }
        guard timeout > 0, maxMessageBytes >= 1024 else {
            throw ConnectorError(
                "connectors.inbox.settings: timeout_seconds must be above 0 and max_message_bytes at least 1024")
        }
        self.init(
            host: host, port: port,
            security: security, username: try settings.required("username"),
            password: try settings.required("password"), mailbox: try settings.string("mailbox") ?? "INBOX",
            authentication: authentication, trustedCertificates: try settings.string("ca_file"),
            timeout: TimeInterval(timeout), useIdle: useIdle, maxMessageBytes: maxMessageBytes)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Makes the TLS handler for this server (certificates checked, the host name too when it is one).
    func tlsHandler() throws -> @Sendable () throws -> NIOSSLClientHandler {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let trustedCertificates { tls.additionalTrustRoots = [.file(trustedCertificates)] }
        let context = try NIOSSLContext(configuration: tls)
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        let name = isAddress ? nil : host
        return { try NIOSSLClientHandler(context: context, serverHostname: name) }
    }
}
