/// Where a message sits in its mailbox, the progress the runtime keeps per inbox: an IMAP
/// message's UID under its mailbox's UIDVALIDITY, or a drop folder file's name.
public enum InboxPosition: Sendable, Hashable, Codable {
    case imap(validity: UInt32, uid: UInt32)
    case file(name: String)
}

/// One message as its mailbox holds it: the raw RFC 5322 bytes, never opened beyond reading.
public struct InboxMessage: Sendable, Hashable {
    public var position: InboxPosition
    public var raw: [UInt8]

    public init(position: InboxPosition, raw: [UInt8]) {
        self.position = position
        self.raw = raw
    }
}

/// Where incoming mail is read from: an IMAP mailbox (module `Connectors`) or a Maildir / `.eml`
/// drop folder. The runtime's inbox service reads new messages, stores each as an event, then
/// acknowledges them; a message read again after a crash is recognised by its Message-ID.
public protocol InboxSource: Sendable {
    /// The stable name the runtime keeps progress under (`imap://user@host:993/INBOX`,
    /// `maildir:/srv/mail/leads`).
    var name: String { get }

    /// Messages not yet read, oldest first, at most `limit`. `progress` is the last position the
    /// runtime stored for this source (nil at first): IMAP fetches the UIDs above it, or every
    /// message again when the mailbox's UIDVALIDITY changed.
    func fetchNew(after progress: InboxPosition?, limit: Int) async throws -> [InboxMessage]

    /// Called once the messages are stored as events: a drop folder moves their files to `cur/`;
    /// IMAP may flag them `\Seen`.
    func acknowledge(_ positions: [InboxPosition]) async throws

    /// Returns when new mail may have arrived: at once when IMAP IDLE says so, else after
    /// `pollInterval`. Throws `CancellationError` when the task is cancelled.
    func waitForNew(pollInterval: Duration) async throws

    /// Closes any connection; the source may be used again afterwards (it reconnects).
    func close() async
}
