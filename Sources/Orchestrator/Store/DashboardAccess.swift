import Foundation
import GRDB

/// Who may use the approvals dashboard: sign-in tokens (stored as hashes, made by
/// `baton approvals token`) and the sessions they open, each with its CSRF token.
public struct DashboardAccess: Sendable {
    let store: RuntimeStore

    public init(store: RuntimeStore) {
        self.store = store
    }

    /// Keeps a sign-in token's hash.
    public func addToken(hash: String) throws {
        try store.database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO dashboard_token (hash, created_at) VALUES (?, ?)",
                arguments: [hash, store.clock()])
        }
    }

    public func knowsToken(hash: String) throws -> Bool {
        try store.database.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM dashboard_token WHERE hash = ?)", arguments: [hash])
                ?? false
        }
    }

    /// Opens a session for `hours`.
    public func openSession(id: String, csrf: String, hours: Double = 12) throws {
        try store.database.write { db in
            try db.execute(
                sql: "INSERT INTO dashboard_session (id, csrf, expires_at) VALUES (?, ?, ?)",
                arguments: [id, csrf, store.clock().addingTimeInterval(hours * 3600)])
        }
    }

    /// The session's CSRF token, if the session exists and has not expired.
    public func csrf(session id: String) throws -> String? {
        try store.database.read { db in
            try String.fetchOne(
                db, sql: "SELECT csrf FROM dashboard_session WHERE id = ? AND expires_at > ?",
                arguments: [id, store.clock()])
        }
    }

    public func closeSession(id: String) throws {
        try store.database.write { db in
            try db.execute(sql: "DELETE FROM dashboard_session WHERE id = ?", arguments: [id])
        }
    }
}
