import Foundation

/// Where the PostgreSQL store connects, read from a libpq-style URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE?sslmode=MODE` (`postgresql://` too). The
/// password comes from the URL, else from `PGPASSWORD`; it is never part of a message.
package struct PostgresSettings: Sendable, Equatable {
    /// TLS as libpq spells it (`sslmode`).
    package enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP only.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or no connection; the certificate is not checked.
        case require
        /// TLS, the certificate checked against the trusted roots (not the host name).
        case verifyCA = "verify-ca"
        /// TLS, the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    package var sslMode: SSLMode

    package init(
        host: String, port: Int = 5432, user: String, password: String?, database: String, sslMode: SSLMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.sslMode = sslMode
    }

    /// Whether `text` names a PostgreSQL store (rather than a folder for the SQLite one).
    package static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads `url`; `environment` supplies `PGPASSWORD` when the URL has no password.
    ///
    /// - Throws: ``PostgresSettingsError`` saying what is wrong (never echoing the password).
    package init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard url.utf8.count <= 4096 else { throw PostgresSettingsError("the URL is longer than 4096 bytes") }
        guard Self.isURL(url) else {
            throw PostgresSettingsError("it must start with postgres:// or postgresql://")
        }
        guard let parts = URLComponents(string: url) else {
            throw PostgresSettingsError("it is not a URL (characters outside a URL must be percent-encoded)")
        }
        guard let host = parts.host, !host.isEmpty else { throw PostgresSettingsError("it names no host") }
        guard let user = parts.user, !user.isEmpty else {
            throw PostgresSettingsError("it names no user (postgres://USER@HOST:PORT/DATABASE)")
        }
        if let port = parts.port, !(1...65535).contains(port) {
            throw PostgresSettingsError("the port must be 1 to 65535")
        }
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        guard !path.contains("/") else { throw PostgresSettingsError("the database name cannot contain '/'") }
        var mode = SSLMode.prefer
        for item in parts.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let parsed = SSLMode(rawValue: value) else {
                    throw PostgresSettingsError(
                        "sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mode = parsed
            default:
                throw PostgresSettingsError("unknown parameter '\(item.name)' (only sslmode is read)")
            }
        }
        let password = parts.password ?? environment["PGPASSWORD"]
        self.init(
            host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: parts.port ?? 5432,
            user: user, password: password, database: path.isEmpty ? user : path, sslMode: mode)
    }

    /// The URL without its password: what messages and logs may show.
    package var redacted: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }
}

/// A `--store` URL that cannot be used, and why.
package struct PostgresSettingsError: Error, CustomStringConvertible, Sendable {
    package let description: String

    init(_ reason: String) { description = "the PostgreSQL store URL cannot be used: \(reason)" }
}
