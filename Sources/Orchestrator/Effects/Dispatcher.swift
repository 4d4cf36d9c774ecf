import Foundation
import GRDB

/// Runs queued actions through their connectors, at most once per idempotency key: an email
/// becomes `KEY.eml` in the outbox folder (written atomically, never rewritten), a CRM update an
/// upsert in the built-in CRM. A crash between the effect and its record is repaired on the next
/// run, which finds the effect already there and only records it.
public struct Dispatcher: Sendable {
    let store: RuntimeStore
    /// The `.eml` outbox folder.
    public let emailFolder: String
    let from: String

    public init(store: RuntimeStore, emailFolder: String, from: String) {
        self.store = store
        self.emailFolder = emailFolder
        self.from = from
    }

    /// Dispatches every queued action; returns how many were sent. Files are written first, then one
    /// transaction records the CRM updates and marks everything sent.
    @discardableResult
    public func dispatch() throws -> Int {
        try FileManager.default.createDirectory(atPath: emailFolder, withIntermediateDirectories: true)
        let queued = try store.database.read {
            try OutboxItem.filter(Column("status") == OutboxItem.Status.queued.rawValue).order(Column("id")).fetchAll(
                $0)
        }
        guard !queued.isEmpty else { return 0 }
        var payloads: [Int64: [String: String]] = [:]
        for item in queued {
            let payload =
                (try? JSONSerialization.jsonObject(with: Data(item.payloadJSON.utf8))) as? [String: String] ?? [:]
            payloads[item.id!] = payload
            if item.action == "email.send" { try writeEmail(item, payload) }
        }
        try store.database.write { db in
            let now = store.clock()
            for var item in queued {
                if item.action == "crm.update" {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO crm_lead (case_id, score, updated_at) VALUES (?, ?, ?)",
                        arguments: [item.caseID, Int(payloads[item.id!]?["score"] ?? "0") ?? 0, now])
                }
                item.status = .sent
                item.attempts += 1
                item.sentAt = now
                try item.update(db)
                try AuditEntry(
                    id: nil, at: now, caseID: item.caseID, agent: item.agent, kind: "sent",
                    detail: "\(item.action) \(item.idempotencyKey)"
                )
                .insert(db)
            }
        }
        return queued.count
    }

    private func writeEmail(_ item: OutboxItem, _ payload: [String: String]) throws {
        let path = (emailFolder as NSString).appendingPathComponent("\(item.idempotencyKey).eml")
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let message = """
            From: \(from)\r
            To: \(payload["to"] ?? "")\r
            Subject: \(payload["subject"] ?? "")\r
            Message-ID: <\(item.idempotencyKey)@baton.local>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \((payload["body"] ?? "").replacingOccurrences(of: "\n", with: "\r\n"))\r

            """
        let temporary = path + ".tmp"
        try Data(message.utf8).write(to: URL(fileURLWithPath: temporary))
        if rename(temporary, path) != 0 { throw CocoaError(.fileWriteUnknown) }
    }
}
