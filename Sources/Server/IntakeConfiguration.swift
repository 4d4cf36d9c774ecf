import Blueprint
import Foundation

extension IntakeSettings {
    /// From the blueprint's `connectors.forms` (`intake_api`): `listen` (`HOST:PORT`, or `--listen`),
    /// `token` and `hmac_secret` as `${env:NAME}` (an unset variable leaves that way in closed),
    /// `max_body_bytes`, `header_timeout_seconds`, `body_timeout_seconds`, `max_connections`, and
    /// `metrics_token` as `${env:NAME}`, `public_url` (or `publicURL`, from `--public-url`). Nil when
    /// nothing says where to listen.
    public static func from(
        _ blueprint: Blueprint, listen: String?, publicURL publicURLOption: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> IntakeSettings? {
        let settings = ConnectorSettings("forms", blueprint.connectors.forms, environment: environment)
        guard blueprint.connectors.forms.kind == "intake_api", let address = try listen ?? settings.string("listen")
        else { return nil }
        let parts = address.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port) else {
            throw ConnectorError("the intake address '\(address)' is not HOST:PORT (e.g. 127.0.0.1:8080)")
        }
        var intake = IntakeSettings(
            host: parts[0].isEmpty ? "127.0.0.1" : String(parts[0]), port: port,
            token: try? settings.string("token"), hmacSecret: try? settings.string("hmac_secret"),
            maxBodyBytes: try settings.integer("max_body_bytes", or: 64 * 1024), acceptedTypes: Set(blueprint.intake))
        // The connection bounds (docs/security.md, "Connections"): seconds and a count, each at least 1.
        func positive(_ key: String, or fallback: Int) throws -> Int {
            let value = try settings.integer(key, or: fallback)
            guard value >= 1 else { throw ConnectorError("connectors.forms.settings.\(key) must be 1 or more") }
            return value
        }
        intake.headerTimeout = .seconds(try positive("header_timeout_seconds", or: 10))
        intake.bodyTimeout = .seconds(try positive("body_timeout_seconds", or: 30))
        intake.maxConnections = try positive("max_connections", or: 512)
        // `/metrics` from anywhere with this token; without one (or with its variable unset), loopback only.
        if let token = try? settings.string("metrics_token"), !token.isEmpty { intake.metricsAccess = .token(token) }
        // Where people reach it (the approval emails' and the booking links use it too): https makes
        // the cookies Secure.
        if let publicURL = publicURLOption ?? (try? settings.string("public_url")) {
            guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host?.isEmpty == false
            else {
                throw ConnectorError(
                    "\(publicURLOption == nil ? "connectors.forms.settings.public_url" : "--public-url") '\(publicURL)' is not an http:// or https:// address (e.g. https://baton.example.com)"
                )
            }
            intake.publicURL = publicURL
        }
        return intake
    }
}
