import Foundation
import GRDB

extension RuntimeStore {
    /// Appends a line to a case's audit log: the one way every part of the runtime (the engine,
    /// the dispatcher, approvals, dead letters) writes one.
    static func appendAudit(
        _ db: Database, at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String,
        notesJSON: String? = nil
    ) throws {
        // A cached statement bound through the C API: the audit log is the engine's most frequent write.
        try HotStatement.execute(
            db.cachedStatement(
                sql: "INSERT INTO audit (at, case_id, agent, kind, detail, notes_json) VALUES (?, ?, ?, ?, ?, ?)"),
            [
                .text(StoredDate.text(at)), .text(caseID), HotValue(agent), .text(kind.rawValue), .text(detail),
                HotValue(notesJSON),
            ])
    }
}
