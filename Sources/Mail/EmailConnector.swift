import Foundation

/// An email the dispatcher hands to the email connector: one queued action, keyed for idempotency.
public struct OutgoingEmail: Sendable, Equatable {
    /// The outbox item it carries out.
    public let id: Int64
    /// The action's idempotency key; the Message-ID is made from it, so a retry is recognisable.
    public let key: String
    public let from: String
    public let to: String
    public let subject: String
    /// The plain-text body; an HTML alternative is made from it.
    public let text: String
    public let date: Date
    /// The sending runtime's identity (``RuntimeStore/installID``), part of the Message-ID.
    public let origin: String

    public init(
        id: Int64, key: String, from: String, to: String, subject: String, text: String, date: Date, origin: String = ""
    ) {
        self.id = id
        self.key = key
        self.origin = origin
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.date = date
    }
}

/// What became of one email.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// A temporary failure (a 4xx reply, no connection, a timeout): tried again after a backoff.
    case retry(String)
    /// A permanent failure (a 5xx reply): dead-lettered at once.
    case dead(String)
}

/// Where emails go: the embedded `.eml` folder, or an SMTP server (module `Connectors`).
public protocol EmailConnector: Sendable {
    /// Delivers a batch; returns each email's outcome by outbox id. Never hangs: a server that does
    /// not answer within the connector's timeout gives `.retry` (the dispatcher runs the connectors
    /// side by side, so a slow one delays only its own sends).
    func deliver(_ emails: [OutgoingEmail]) async -> [Int64: DeliveryOutcome]

    /// Whether the email with this idempotency key is known to have left already (before a crash):
    /// it is then only recorded, whatever else has changed since.
    func alreadyDelivered(key: String) -> Bool
}

extension EmailConnector {
    /// A server gives no way to ask: the Message-ID makes a repeat recognisable instead.
    public func alreadyDelivered(key: String) -> Bool { false }
}

/// The embedded default: each email becomes `KEY.eml` in a folder, exactly the MIME message an
/// SMTP server would receive, durable and atomic, never rewritten (a key already there was
/// delivered before a crash: it is only recorded).
public struct EmlFolder: EmailConnector {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    public func alreadyDelivered(key: String) -> Bool {
        FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("\(key).eml"))
    }

    public func deliver(_ emails: [OutgoingEmail]) -> [Int64: DeliveryOutcome] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            return Dictionary(uniqueKeysWithValues: emails.map { ($0.id, .retry("cannot create \(folder): \(error)")) })
        }
        var batch = EmailBatch(folder: folder)
        var outcomes: [Int64: DeliveryOutcome] = [:]
        for email in emails {
            do {
                try batch.write(MIMEMessage(email).text(), as: "\(email.key).eml", for: email.id)
                outcomes[email.id] = .delivered
            } catch {
                outcomes[email.id] = .retry("\(error)")
            }
        }
        for (id, failure) in batch.publish() { outcomes[id] = .retry(failure) }
        return outcomes
    }
}
