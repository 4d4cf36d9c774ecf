/// The blueprint's `connectors.inbox`, read once: where incoming mail comes from and how often it
/// is looked at. The kind's own settings (a Maildir's `folder`; IMAP's `host`, `username`, …) stay
/// in ``settings`` for the connector that reads them.
///
/// ```yaml
/// connectors:
///   inbox:
///     kind: maildir
///     settings: { folder: inbox, poll_seconds: 5 }
/// ```
public struct InboxSettings: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A Maildir (`new/`, `cur/`) or a plain folder of `.eml` files.
        case maildir
        /// An IMAP mailbox over TLS (module `Connectors`).
        case imap
    }

    public let kind: Kind
    /// The kind's settings, `${env:NAME}` resolved when read.
    public let settings: ConnectorSettings
    /// How often the inbox is looked at when it cannot say that mail arrived (IMAP without IDLE, a
    /// folder): `poll_seconds`, 1 to 3,600; 30 when absent.
    public let pollSeconds: Int
    /// Messages read per fetch (`batch`, 1 to 500; 50 when absent): each batch is stored in one commit.
    public let batch: Int

    public static let defaultPollSeconds = 30
    public static let defaultBatch = 50

    /// The blueprint's inbox settings; nil when it has no `connectors.inbox`.
    ///
    /// - Throws: ``ConnectorError`` for an unknown kind or a setting out of range.
    public init?(_ blueprint: Blueprint, environment: [String: String]) throws {
        guard let connector = blueprint.connectors.inbox else { return nil }
        guard let kind = Kind(rawValue: connector.kind) else {
            throw ConnectorError(
                "connectors.inbox.kind is '\(connector.kind)'; use \(Kind.allCases.map(\.rawValue).joined(separator: " or "))"
            )
        }
        let settings = ConnectorSettings("inbox", connector, environment: environment)
        let poll = try settings.integer("poll_seconds", or: Self.defaultPollSeconds)
        guard (1...3600).contains(poll) else {
            throw ConnectorError("connectors.inbox.settings.poll_seconds is \(poll); use 1 to 3600")
        }
        let batch = try settings.integer("batch", or: Self.defaultBatch)
        guard (1...500).contains(batch) else {
            throw ConnectorError("connectors.inbox.settings.batch is \(batch); use 1 to 500")
        }
        self.kind = kind
        self.settings = settings
        self.pollSeconds = poll
        self.batch = batch
    }

    /// A Maildir's `folder` (default `inbox`), relative to `dataFolder` unless absolute.
    public func folder(in dataFolder: String) throws -> String {
        let folder = try settings.string("folder") ?? "inbox"
        guard !folder.isEmpty else { throw ConnectorError("connectors.inbox.settings.folder is empty") }
        if folder.hasPrefix("/") { return folder }
        return dataFolder.hasSuffix("/") ? dataFolder + folder : dataFolder + "/" + folder
    }
}
