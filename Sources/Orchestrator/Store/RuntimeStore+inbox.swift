import Foundation
import GRDB
import Mail

/// The inbox's progress (`inbox_progress`: one row per inbox, its last position) and its batches.
extension RuntimeStore: InboxStorage {
    static func registerInboxMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("inbox: progress per source") { db in
            try db.execute(
                sql: """
                    CREATE TABLE inbox_progress (
                        source TEXT PRIMARY KEY, position TEXT NOT NULL, updated_at DATETIME NOT NULL)
                    """)
        }
    }

    package func inboxProgress(source: String) async throws -> InboxPosition? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT position FROM inbox_progress WHERE source = ?", arguments: [source])
                .flatMap(Self.position)
        }
    }

    package func casesOfOutboxKeys(_ keys: [String]) async throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        let wanted = Array(Set(keys).prefix(100))
        return try await database.read { db in
            var cases: [String: String] = [:]
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT idempotency_key, case_id FROM outbox WHERE idempotency_key IN (\(databaseQuestionMarks(count: wanted.count)))",
                arguments: StatementArguments(wanted))
            for row in rows {
                cases[try row.stored("idempotency_key", in: "outbox")] = try row.stored("case_id", in: "outbox")
            }
            return cases
        }
    }

    package func storeInbox(_ messages: [InboxEvent], source: String, progress: InboxPosition?) async throws -> [Bool] {
        let now = clock()
        let stamp = StoredDate.text(now)
        return try await database.write { db in
            var stored: [Bool] = []
            for message in messages {
                let isNew: Bool
                do {
                    isNew = try Self.storeIntake(db, message.event, stamp: stamp).isNew
                } catch is IntakeRefusal {
                    // The Message-ID came before with other content (a copy through a list, a
                    // forged id): the first one stands, this one is not stored again.
                    isNew = false
                }
                if isNew {
                    try Self.appendAudit(
                        db, at: now, caseID: message.event.caseID, agent: nil, kind: message.audit,
                        detail: message.detail)
                }
                stored.append(isNew)
            }
            if let progress {
                try db.execute(
                    sql: """
                        INSERT INTO inbox_progress (source, position, updated_at) VALUES (?, ?, ?)
                        ON CONFLICT (source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                        """, arguments: [source, Self.text(progress), stamp])
            }
            return stored
        }
    }

    /// `imap:VALIDITY:UID` or `file:NAME`, as both stores keep a position.
    package static func text(_ position: InboxPosition) -> String {
        switch position {
        case .imap(let validity, let uid): "imap:\(validity):\(uid)"
        case .file(let name): "file:\(name)"
        }
    }

    /// The position `text` (``text(_:)``) names; nil when it names none.
    package static func position(_ text: String) -> InboxPosition? {
        if text.hasPrefix("file:") { return .file(name: String(text.dropFirst(5))) }
        let parts = text.split(separator: ":")
        guard parts.count == 3, parts[0] == "imap", let validity = UInt32(parts[1]), let uid = UInt32(parts[2]) else {
            return nil
        }
        return .imap(validity: validity, uid: uid)
    }
}
