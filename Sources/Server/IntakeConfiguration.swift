import Blueprint
import Foundation

extension IntakeSettings {
    /// From the blueprint's `connectors.forms` (`intake_api`): `listen` (`HOST:PORT`, or `--listen`),
    /// `token` and `hmac_secret` as `${env:NAME}` (an unset variable leaves that way in closed),
    /// `max_body_bytes`. Nil when nothing says where to listen.
    public static func from(
        _ blueprint: Blueprint, listen: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> IntakeSettings? {
        let settings = ConnectorSettings("forms", blueprint.connectors.forms, environment: environment)
        guard blueprint.connectors.forms.kind == "intake_api", let address = try listen ?? settings.string("listen")
        else { return nil }
        let parts = address.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port) else {
            throw ConnectorError("the intake address '\(address)' is not HOST:PORT (e.g. 127.0.0.1:8080)")
        }
        return IntakeSettings(
            host: parts[0].isEmpty ? "127.0.0.1" : String(parts[0]), port: port,
            token: try? settings.string("token"), hmacSecret: try? settings.string("hmac_secret"),
            maxBodyBytes: try settings.integer("max_body_bytes", or: 64 * 1024), acceptedTypes: Set(blueprint.intake))
    }
}
