import Foundation
import GRDB

/// Who may use the approvals dashboard: sign-in tokens (stored as hashes, made by
/// `baton approvals token`) and the sessions they open, each with its CSRF token.
///
/// Adding a token is the CLI's (`baton approvals token`), so it is sync; the rest is the server's,
/// so it is async, through GRDB's async `read`/`write`: a handler never blocks a thread of the
/// cooperative pool (CONVENTIONS 12).
public struct DashboardAccess: Sendable {
    let store: RuntimeStore

    public init(store: RuntimeStore) {
        self.store = store
    }

    /// Keeps a sign-in token's hash.
    public func addToken(hash: String) throws {
        let now = store.clock()
        try store.database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO dashboard_token (hash, created_at) VALUES (?, ?)", arguments: [hash, now])
        }
    }

    public func knowsToken(hash: String) async throws -> Bool {
        try await store.database.read { db in
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM dashboard_token WHERE hash = ?)", arguments: [hash])
                ?? false
        }
    }

    /// Opens a session for `hours`.
    public func openSession(id: String, csrf: String, hours: Double = 12) async throws {
        let expires = store.clock().addingTimeInterval(hours * 3600)
        try await store.database.write { db in
            try db.execute(
                sql: "INSERT INTO dashboard_session (id, csrf, expires_at) VALUES (?, ?, ?)",
                arguments: [id, csrf, expires])
        }
    }

    /// The session's CSRF token, if the session exists and has not expired.
    public func csrf(session id: String) async throws -> String? {
        let now = store.clock()
        return try await store.database.read { db in
            try String.fetchOne(
                db, sql: "SELECT csrf FROM dashboard_session WHERE id = ? AND expires_at > ?", arguments: [id, now])
        }
    }

    public func closeSession(id: String) async throws {
        try await store.database.write { db in
            try db.execute(sql: "DELETE FROM dashboard_session WHERE id = ?", arguments: [id])
        }
    }
}
