import Foundation
import Mail
import Orchestrator
import PostgresNIO

/// The inbox's batches and progress (``InboxStorage``), as the SQLite store keeps them
/// (RuntimeStore+inbox.swift; positions written and read by its ``RuntimeStore/text(_:)`` and
/// ``RuntimeStore/position(_:)``): a batch's messages stored as the intake stores them, each new
/// one with its audit line, and the inbox's position, in one transaction.
extension PostgresStore: InboxStorage {
    package func inboxProgress(source: String) async throws -> InboxPosition? {
        try await value("SELECT position FROM inbox_progress WHERE source = \(source)", as: String.self)
            .flatMap(RuntimeStore.position)
    }

    package func casesOfOutboxKeys(_ keys: [String]) async throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        let wanted = Array(Set(keys).prefix(100))
        var cases: [String: String] = [:]
        for row in try await rows("SELECT idempotency_key, case_id FROM outbox WHERE idempotency_key = ANY(\(wanted))") {
            cases[try row("idempotency_key")] = try row("case_id")
        }
        return cases
    }

    package func storeInbox(_ messages: [InboxEvent], source: String, progress: InboxPosition?) async throws -> [Bool] {
        let now = StoredTime.rounded(clock())
        return try await write { tx in
            var stored: [Bool] = []
            for message in messages {
                var isNew = false
                do {
                    try tx.atomically { isNew = try Self.storeIntake(tx, message.event, at: now).isNew }
                } catch is IntakeRefusal {
                    // The Message-ID came before with other content (a copy through a list, a
                    // forged id): the first one stands, this one is not stored again.
                    isNew = false
                }
                if isNew {
                    try tx.appendAudit(
                        at: now, caseID: message.event.caseID, agent: nil, kind: message.audit, detail: message.detail)
                }
                stored.append(isNew)
            }
            if let progress {
                try tx.run(
                    """
                    INSERT INTO inbox_progress (source, position, updated_at)
                    VALUES (\(source), \(RuntimeStore.text(progress)), \(now))
                    ON CONFLICT (source) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
                    """)
            }
            return stored
        }
    }
}
