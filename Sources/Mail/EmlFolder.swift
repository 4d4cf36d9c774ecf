import Foundation

/// The embedded default: each email becomes `KEY.eml` in a folder, exactly the MIME message an
/// SMTP server would receive, durable and atomic, never rewritten (a key already there was
/// delivered before a crash: it is only recorded).
public struct EmlFolder: EmailConnector {
    public let folder: String

    /// Opens the folder for a run: the temporary files a crashed writer left there are removed
    /// (only this connector's own `KEY.eml.PID.tmp` files, of a process that is gone).
    public init(folder: String) {
        self.folder = folder
        EmailBatch.removeStaleTemporaryFiles(in: folder)
    }

    public func alreadyDelivered(key: String) -> Bool {
        guard Self.isFileName(key) else { return false }
        return FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent("\(key).eml"))
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
            do throws(MIMEError) {
                guard Self.isFileName(email.key) else { throw .key(email.key) }
                let message = try MIMEMessage(email).bytes()
                do {
                    try batch.write(message, as: "\(email.key).eml", for: email.id)
                    outcomes[email.id] = .delivered
                } catch {
                    outcomes[email.id] = .retry("\(error)")
                }
            } catch {
                // No message can be made of it: trying again would make none either.
                outcomes[email.id] = .dead("\(error)")
            }
        }
        for (id, failure) in batch.publish() { outcomes[id] = .retry(failure) }
        return outcomes
    }

    /// Whether `key` names a file inside the folder: no `/`, no NUL, not `.` or `..`.
    static func isFileName(_ key: String) -> Bool {
        !key.isEmpty && key != "." && key != ".." && !key.utf8.contains(UInt8(ascii: "/")) && !key.utf8.contains(0)
    }
}
