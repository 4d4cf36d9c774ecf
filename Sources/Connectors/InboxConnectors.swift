import Blueprint
import Foundation
import Mail

/// The inbox a blueprint chooses by `connectors.inbox.kind`: a Maildir / `.eml` drop folder, or IMAP.
public enum InboxConnectors {
    /// The inbox and its settings; nil when the blueprint reads no mail.
    ///
    /// - Throws: ``ConnectorError`` for settings that cannot be used.
    public static func make(
        for blueprint: Blueprint, dataFolder: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> (source: any InboxSource, settings: InboxSettings)? {
        guard let settings = try InboxSettings(blueprint, environment: environment) else { return nil }
        switch settings.kind {
        case .maildir:
            return (MaildirInbox(folder: try settings.folder(in: dataFolder)), settings)
        case .imap:
            return (try IMAPInbox(settings: settings.settings), settings)
        }
    }
}
