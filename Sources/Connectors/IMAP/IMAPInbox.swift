import Blueprint
import Foundation
import Mail

/// Reads a mailbox over IMAP4rev1 (RFC 3501) on SwiftNIO: TLS (implicit or STARTTLS), AUTHENTICATE
/// PLAIN or LOGIN, SELECT, UID SEARCH and UID FETCH of the messages above the runtime's progress
/// (every message again when UIDVALIDITY changed), `\Seen` once stored, IDLE when offered (renewed
/// before 29 minutes) or polling. Messages are read with BODY.PEEK, so reading alone flags nothing.
///
/// One connection is kept between calls and opened again after any error; every exchange has a
/// timeout, and responses are bounded in line length, literal size and count (see
/// `docs/security.md`, "The IMAP client").
public actor IMAPInbox: InboxSource {
    public nonisolated let name: String
    public nonisolated let configuration: IMAPConfiguration
    private var connection: IMAPConnection?

    public init(_ configuration: IMAPConfiguration) {
        self.configuration = configuration
        let mailbox = configuration.mailbox.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "INBOX"
        let user = configuration.username.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? ""
        name = "imap://\(user)@\(configuration.host):\(configuration.port)/\(mailbox)"
    }

    /// From the blueprint's `connectors.inbox.settings` (see ``IMAPConfiguration/init(settings:)``).
    public init(settings: ConnectorSettings) throws {
        self.init(try IMAPConfiguration(settings: settings))
    }

    public func fetchNew(after progress: InboxPosition?, limit: Int) async throws -> [InboxMessage] {
        guard limit > 0 else { return [] }
        let batchBytes = configuration.maxBatchBytes
        return try await run { session in
            guard let validity = session.validity else { return [] }
            var after: UInt32 = 0
            if case .imap(validity, let uid) = progress { after = uid }
            var messages: [InboxMessage] = []
            var bytes = 0
            for uid in try await session.newUIDs(after: after, limit: limit) {
                guard bytes < batchBytes else { break }
                guard let raw = try await session.message(uid: uid) else { continue }
                bytes += raw.count
                messages.append(InboxMessage(position: .imap(validity: validity, uid: uid), raw: raw))
            }
            return messages
        }
    }

    public func acknowledge(_ positions: [InboxPosition]) async throws {
        guard !positions.isEmpty else { return }
        try await run { session in
            // A position under another UIDVALIDITY names a message of the mailbox as it was: not this one.
            let uids = positions.compactMap { position -> UInt32? in
                guard case .imap(let validity, let uid) = position, validity == session.validity else { return nil }
                return uid
            }
            try await session.markSeen(uids)
        }
    }

    public func waitForNew(pollInterval: Duration) async throws {
        guard configuration.useIdle else {
            try await Task.sleep(for: pollInterval)
            return
        }
        let period = min(pollInterval, configuration.idlePeriod)
        let idled = try await run { session -> Bool in
            guard session.capabilities.contains("IDLE") else { return false }
            if !session.hasNewMail { try await session.idle(for: period) }
            return true
        }
        if !idled { try await Task.sleep(for: pollInterval) }
    }

    public func close() async {
        let open = connection
        connection = nil
        await open?.close()
    }

    /// Runs `body` on the open connection (opened first if need be). A connection that failed is
    /// closed, and opened again by the next call; one that had been kept and turns out dropped (the
    /// server closed it while unused) is opened again at once, once.
    private func run<Result: Sendable>(_ body: @escaping @Sendable (IMAPSession) async throws -> Result) async throws
        -> Result
    {
        let reused = connection != nil
        do {
            return try await connected().perform(body)
        } catch let error as IMAPError where reused && error.kind == .connection && !Task.isCancelled {
            await drop()
            do {
                return try await connected().perform(body)
            } catch {
                await drop()
                throw error
            }
        } catch {
            await drop()
            throw error
        }
    }

    private func connected() async throws -> IMAPConnection {
        if let connection, connection.isOpen { return connection }
        await drop()
        let opened = try await IMAPConnection.open(configuration)
        connection = opened
        return opened
    }

    private func drop() async {
        let old = connection
        connection = nil
        await old?.close()
    }
}
