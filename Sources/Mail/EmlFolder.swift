import Foundation

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
