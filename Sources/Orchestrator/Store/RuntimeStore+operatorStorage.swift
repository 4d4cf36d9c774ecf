import Foundation
import GRDB

/// The SQLite store as the operator's commands reach it through ``OperatorStorage``: each one the
/// async form of an operation written once as a static function of a database connection.
extension RuntimeStore {
    package func caseEvents(_ caseID: String) async throws -> [EventRecord] {
        try await database.read { db in
            // Listed with what can be read, also when a row does not decode whole (as a dead letter's).
            try Row.fetchAll(db, EventRecord.filter(Column("case_id") == caseID).order(Column("id"))).compactMap(
                EventRecord.leniently)
        }
    }

    package func retryDeadLetter(_ id: Int64) async throws -> EventRecord {
        let now = clock()
        return try await database.write { try Self.retryDeadEvent($0, id, at: now) }
    }

    package func pruneHistory(before cut: Date) async throws -> PruneSummary {
        try await database.write { try Self.prune($0, before: cut) }
    }

    package func caseLinkToken(for caseID: String) async throws -> String {
        try await database.read { try Self.caseToken($0, caseID) }
    }

    package func pendingApprovalListing() async throws -> (
        approvals: [ApprovalRecord], unreadable: [StoredDataError]
    ) {
        try await database.read { try Approvals.pendingListing($0) }
    }

    package func addDashboardToken(hash: String, label: String?) async throws -> Int64 {
        let now = clock()
        return try await database.write { try DashboardAccess.addToken($0, hash: hash, label: label, at: now) }
    }

    package func dashboardTokenListing() async throws -> (tokens: [DashboardToken], unreadable: [StoredDataError]) {
        let now = clock()
        return try await database.read { try DashboardAccess.tokenListing($0, at: now) }
    }

    package func revokeDashboardToken(id: Int64) async throws -> Int {
        try await database.write { try DashboardAccess.revokeToken($0, id: id) }
    }

    package func saveContacts(_ contacts: [CRMContact]) async throws -> (added: Int, updated: Int) {
        let now = clock()
        return try await database.write { db in
            var added = 0
            for contact in contacts {
                let exists =
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM crm_contact WHERE email = ?)", arguments: [contact.email])
                    ?? false
                if !exists { added += 1 }
                // Fields the import left empty keep what the contact held.
                try db.execute(
                    sql: """
                        INSERT INTO crm_contact (email, name, phone, company, status, notes, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (email) DO UPDATE SET
                            name = coalesce(excluded.name, name), phone = coalesce(excluded.phone, phone),
                            company = coalesce(excluded.company, company), status = coalesce(excluded.status, status),
                            notes = coalesce(excluded.notes, notes), updated_at = excluded.updated_at
                        """,
                    arguments: [
                        contact.email, contact.name, contact.phone, contact.company, contact.status, contact.notes, now,
                    ])
            }
            return (added, contacts.count - added)
        }
    }

    package func contactListing() async throws -> (contacts: [CRMContact], unreadable: [StoredDataError]) {
        let rows = try await database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM crm_contact ORDER BY email") }
        var contacts: [CRMContact] = []
        var unreadable: [StoredDataError] = []
        for row in rows {
            do {
                func text(_ column: String) throws -> String? {
                    try row.stored(column, in: "crm_contact", key: "email", as: String?.self)
                }
                contacts.append(
                    CRMContact(
                        email: try text("email") ?? "", name: try text("name"), phone: try text("phone"),
                        company: try text("company"), status: try text("status"), notes: try text("notes"),
                        updatedAt: try row.stored("updated_at", in: "crm_contact", key: "email")))
            } catch let error as StoredDataError {
                unreadable.append(error)
            }
        }
        return (contacts, unreadable)
    }
}
