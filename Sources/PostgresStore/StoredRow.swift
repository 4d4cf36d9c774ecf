import Blueprint
import Foundation
import Orchestrator
import PostgresNIO

/// A row as the store reads it: columns by name, and the runtime's records made from it.
struct StoredRow {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

    /// Column `name` as `T` (an optional `T` for a nullable column).
    func callAsFunction<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard row.contains(name) else { throw UnreadableColumn(column: name, reason: "the query did not select it") }
        do {
            return try row[name].decode(T.self)
        } catch {
            throw UnreadableColumn(column: name, reason: "it does not read as \(T.self)")
        }
    }

    /// The event in the row (every column of `event`).
    func event() throws -> EventRecord {
        let statusText: String = try self("status")
        guard let status = EventRecord.Status(rawValue: statusText) else {
            throw UnreadableColumn(column: "status", reason: "'\(statusText)' is not an event status")
        }
        return EventRecord(
            storedID: try self("id"), type: try self("type"), caseID: try self("case_id"),
            causationID: try self("causation_id"), payloadJSON: try self("payload_json"), producer: try self("producer"),
            idempotencyKey: try self("idempotency_key"), status: status, createdAt: try self("created_at"),
            dueAt: try self("due_at"), attempts: try self("attempts"), lastError: try self("last_error"),
            deadAt: try self("dead_at"))
    }

    /// The outbox item in the row (every column of `outbox`).
    func outboxItem() throws -> OutboxItem {
        let statusText: String = try self("status")
        guard let status = OutboxItem.Status(rawValue: statusText) else {
            throw UnreadableColumn(column: "status", reason: "'\(statusText)' is not an outbox status")
        }
        return OutboxItem(
            storedID: try self("id"), idempotencyKey: try self("idempotency_key"), caseID: try self("case_id"),
            agent: try self("agent"), action: ActionKind(rawValue: try self("action")), payloadJSON: try self("payload_json"),
            status: status, attempts: try self("attempts"), createdAt: try self("created_at"), sentAt: try self("sent_at"),
            nextAttemptAt: try self("next_attempt_at"), lastError: try self("last_error"))
    }

    /// The approval in the row (every column of `approval`).
    func approval() throws -> ApprovalRecord {
        let statusText: String = try self("status")
        guard let status = ApprovalRecord.Status(rawValue: statusText) else {
            throw UnreadableColumn(column: "status", reason: "'\(statusText)' is not an approval status")
        }
        var record = ApprovalRecord(
            storedID: try self("id"), caseID: try self("case_id"), agent: try self("agent"),
            action: ActionKind(rawValue: try self("action")), proposedJSON: try self("proposed_json"),
            reason: try self("reason"), status: status, createdAt: try self("created_at"))
        record.approvedJSON = try self("approved_json")
        record.decision = try self("decision")
        record.decidedAt = try self("decided_at")
        record.evidenceJSON = try self("evidence_json")
        record.revises = try self("revises")
        record.remindedAt = try self("reminded_at")
        record.remindedTo = try self("reminded_to")
        record.escalatedAt = try self("escalated_at")
        record.escalatedTo = try self("escalated_to")
        return record
    }

    /// The audit line in the row (every column of `audit`).
    func auditEntry() throws -> AuditEntry {
        AuditEntry(
            storedID: try self("id"), at: try self("at"), caseID: try self("case_id"), agent: try self("agent"),
            kind: AuditKind(rawValue: try self("kind")), detail: try self("detail"), notesJSON: try self("notes_json"))
    }
}

/// A column that does not read as the runtime needs it.
struct UnreadableColumn: Error, CustomStringConvertible {
    let column: String
    let reason: String
    var description: String { "stored data could not be read: column \(column): \(reason)" }
}

/// Dates as the stores keep them: to the millisecond (SQLite's text holds no more), so a date
/// written and read back is the same on both stores.
enum StoredTime {
    static func rounded(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
