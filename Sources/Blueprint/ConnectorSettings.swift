import Foundation

/// A connector's settings from the blueprint, with `${env:NAME}` references read from the
/// environment: secrets never live in the blueprint. Here, beside the blueprint, so that every
/// side that reads settings (the connectors, the intake server, `baton run`) reads them one way.
public struct ConnectorSettings: Sendable {
    /// Where the settings are in the blueprint, for messages: `connectors.email.settings`.
    let path: String
    let settings: [String: SettingValue]
    let environment: [String: String]

    /// - Parameter name: the connector, for messages (`email`, `calendar`).
    public init(_ name: String, _ connector: Connector, environment: [String: String]) {
        self.init(path: "connectors.\(name).settings", connector.settings, environment: environment)
    }

    /// Settings found elsewhere in the blueprint, e.g. an agent's `model`.
    public init(path: String, _ settings: [String: SettingValue], environment: [String: String]) {
        self.path = path
        self.settings = settings
        self.environment = environment
    }

    /// A text setting, its `${env:NAME}` reference resolved; nil when absent.
    public func string(_ key: String) throws -> String? {
        guard let value = settings[key] else { return nil }
        let text: String
        switch value {
        case .string(let s): text = s
        case .number(let n): text = n.rounded() == n ? String(Int(n)) : String(n)
        case .bool(let b): text = b ? "true" : "false"
        case .list, .map: throw ConnectorError("\(path).\(key) must be a single value")
        }
        guard let match = text.wholeMatch(of: /\$\{env:([A-Z_][A-Z0-9_]*)\}/) else { return text }
        let variable = String(match.1)
        guard let resolved = environment[variable], !resolved.isEmpty else {
            throw ConnectorError(
                "\(path).\(key) reads the environment variable \(variable), which is not set")
        }
        return resolved
    }

    /// A required text setting.
    public func required(_ key: String) throws -> String {
        guard let value = try string(key), !value.isEmpty else {
            throw ConnectorError("\(path).\(key) is missing")
        }
        return value
    }

    /// A whole-number setting, or `fallback`.
    public func integer(_ key: String, or fallback: Int) throws -> Int {
        guard let text = try string(key) else { return fallback }
        guard let number = Int(text) else {
            throw ConnectorError("\(path).\(key) must be a whole number, not '\(text)'")
        }
        return number
    }
}

/// A connector that cannot be set up as the blueprint describes it, and why.
public struct ConnectorError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
