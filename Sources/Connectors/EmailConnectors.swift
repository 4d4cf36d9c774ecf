import Blueprint
import Foundation
import Mail
import Orchestrator

/// The email connector a blueprint chooses by `connectors.email.kind`.
public enum EmailConnectors {
    /// `eml_folder` (the default; `folder`, relative to the data folder) or `smtp`.
    public static func make(
        for blueprint: Blueprint, dataFolder: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> EmailConnector {
        let connector = blueprint.connectors.email
        let settings = ConnectorSettings("email", connector, environment: environment)
        switch connector.kind {
        case "smtp":
            return try SMTPConnector(settings: settings)
        default:
            let folder = try settings.string("folder") ?? "outbox"
            return EmlFolder(
                folder: folder.hasPrefix("/") ? folder : (dataFolder as NSString).appendingPathComponent(folder))
        }
    }

    /// The sender address: `connectors.email.settings.from`, else `baton@localhost`.
    public static func sender(
        for blueprint: Blueprint, environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws -> String
    {
        try ConnectorSettings("email", blueprint.connectors.email, environment: environment).string("from")
            ?? "baton@localhost"
    }

    /// Where the emails go, in words, for the log.
    public static func describe(_ connector: EmailConnector) -> String {
        switch connector {
        case let folder as EmlFolder: return "the .eml folder \(folder.folder)"
        case let smtp as SMTPConnector: return "SMTP \(smtp.host):\(smtp.port)"
        default: return "\(type(of: connector))"
        }
    }
}
