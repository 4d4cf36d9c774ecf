import Foundation
import GRDB

/// The reads the server's async handlers make, through GRDB's async `read`: a handler waits for
/// its read without blocking a thread of the cooperative pool (CONVENTIONS 12), and on the WAL
/// `DatabasePool` a read never waits for the writer. The bodies are the sync variants' own; the names differ (`…Async`) so
/// that async code that means the sync variant (the tests) still gets it.
extension RuntimeStore {
    /// A case's audit log, oldest first (all cases when `caseID` is nil).
    public func auditAsync(caseID: String? = nil) async throws -> [AuditEntry] {
        try await database.read { try Self.audit($0, caseID: caseID) }
    }

    /// The shared context of a case: each agent's notes under its own key.
    public func contextAsync(caseID: String) async throws -> (notes: [String: [String: String]], version: Int) {
        try await database.read { try Self.context($0, caseID) }
    }

    static func audit(_ db: Database, caseID: String?) throws -> [AuditEntry] {
        var request = AuditEntry.order(Column("id"))
        if let caseID { request = request.filter(Column("case_id") == caseID) }
        return try request.fetchAll(db)
    }
}
