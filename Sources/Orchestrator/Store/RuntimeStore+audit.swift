import Foundation
import GRDB

extension RuntimeStore {
    /// Appends a line to a case's audit log: the one way every part of the runtime (the engine,
    /// the dispatcher, approvals, dead letters) writes one.
    static func appendAudit(
        _ db: Database, at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String,
        notesJSON: String? = nil
    ) throws {
        try appendAudit(
            db.cachedStatement(sql: auditInsert.description), stamp: StoredDate.text(at), caseID: caseID, agent: agent,
            kind: kind, detail: detail, notesJSON: notesJSON)
    }

    /// The insert of an audit line.
    static let auditInsert: StaticString =
        "INSERT INTO audit (at, case_id, agent, kind, detail, notes_json) VALUES (?, ?, ?, ?, ?, ?)"

    /// Appends a line through `statement` (``auditInsert``, prepared), its time already as stored.
    static func appendAudit(
        _ statement: Statement, stamp: String, caseID: String, agent: String?, kind: AuditKind, detail: String,
        notesJSON: String?
    ) throws {
        // Bound through the C API: the audit log is the engine's most frequent write.
        try HotStatement.execute(
            statement,
            [.text(stamp), .text(caseID), HotValue(agent), .text(kind.rawValue), .text(detail), HotValue(notesJSON)])
    }
}
