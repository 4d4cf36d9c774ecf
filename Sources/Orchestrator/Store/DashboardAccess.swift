import Foundation
import GRDB

/// A sign-in token as `baton approvals token --list` shows it: never its secret (only the secret's
/// hash is kept anyway).
public struct DashboardToken: Sendable, Equatable {
    public let id: Int64
    public let label: String?
    public let createdAt: Date
    /// The last sign-in or API call with it (API calls are noted at most once a minute).
    public let lastUsedAt: Date?
    /// The sessions it opened that have not ended.
    public let sessions: Int
}

/// A signed-in dashboard session: its CSRF token and the token that opened it.
public struct DashboardSession: Sendable, Equatable {
    public let csrf: String
    public let tokenID: Int64
}

/// Who may use the approvals dashboard: sign-in tokens (stored as hashes, made by
/// `baton approvals token`) and the sessions they open, each with its CSRF token.
///
/// A session belongs to the token that opened it: revoking the token ends its sessions and its use
/// as an API bearer at once. Expired sessions are never accepted, and are deleted at each sign-in
/// and sign-out.
///
/// The CLI's operations (making, listing and revoking tokens) are sync; the server's are async,
/// through GRDB's async `read`/`write`: a handler never blocks a thread of the cooperative pool
/// (CONVENTIONS 12).
public struct DashboardAccess: Sendable {
    let store: RuntimeStore

    public init(store: RuntimeStore) {
        self.store = store
    }

    // MARK: Tokens (the CLI)

    /// Keeps a sign-in token's hash; returns the token's id.
    @discardableResult
    public func addToken(hash: String, label: String? = nil) throws -> Int64 {
        let now = store.clock()
        return try store.database.write { try Self.addToken($0, hash: hash, label: label, at: now) }
    }

    static func addToken(_ db: Database, hash: String, label: String?, at now: Date) throws -> Int64 {
        try db.execute(
            sql: "INSERT OR IGNORE INTO dashboard_token (hash, label, created_at) VALUES (?, ?, ?)",
            arguments: [hash, label, now])
        return try Int64.fetchOne(db, sql: "SELECT id FROM dashboard_token WHERE hash = ?", arguments: [hash]) ?? 0
    }

    /// Every token, oldest first; a ``StoredDataError`` when one does not read (see ``tokenListing()``).
    public func tokens() throws -> [DashboardToken] {
        let listing = try tokenListing()
        if let bad = listing.unreadable.first { throw bad }
        return listing.tokens
    }

    /// Every token that reads, oldest first, and those whose stored row does not (to be said, not
    /// to stop the listing: a bad token can still be revoked by its id).
    public func tokenListing() throws -> (tokens: [DashboardToken], unreadable: [StoredDataError]) {
        let now = store.clock()
        return try store.database.read { try Self.tokenListing($0, at: now) }
    }

    static func tokenListing(_ db: Database, at now: Date) throws -> (
        tokens: [DashboardToken], unreadable: [StoredDataError]
    ) {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT t.id, t.label, t.created_at, t.last_used_at,
                    (SELECT COUNT(*) FROM dashboard_session s WHERE s.token_id = t.id AND s.expires_at > ?) AS sessions
                FROM dashboard_token t ORDER BY t.id
                """, arguments: [now]
        )
        var tokens: [DashboardToken] = []
        var unreadable: [StoredDataError] = []
        for row in rows {
            do {
                let table = "dashboard_token"
                tokens.append(
                    DashboardToken(
                        id: try row.stored("id", in: table), label: try row.stored("label", in: table),
                        createdAt: try row.stored("created_at", in: table),
                        lastUsedAt: try row.stored("last_used_at", in: table),
                        sessions: try row.stored("sessions", in: table)))
            } catch let error as StoredDataError {
                unreadable.append(error)
            }
        }
        return (tokens, unreadable)
    }

    /// Revokes token `id`: it signs nobody in any more, its sessions end and the JSON API refuses it.
    /// Returns how many sessions ended; throws when there is no such token.
    @discardableResult
    public func revokeToken(id: Int64) throws -> Int {
        try store.database.write { try Self.revokeToken($0, id: id) }
    }

    static func revokeToken(_ db: Database, id: Int64) throws -> Int {
        try db.execute(sql: "DELETE FROM dashboard_token WHERE id = ?", arguments: [id])
        guard db.changesCount == 1 else {
            throw RuntimeError("no dashboard token \(id) (see `baton approvals token --list`)")
        }
        try db.execute(sql: "DELETE FROM dashboard_session WHERE token_id = ?", arguments: [id])
        return db.changesCount
    }

    // MARK: Signing in (the server)

    /// Whether `text` can name a token or a session: one with a NUL never does (SQLite would compare
    /// the text before it, PostgreSQL's text cannot hold it), so a bearer or cookie with one finds
    /// nothing, on either store.
    package static func canName(_ text: String) -> Bool { !text.utf8.contains(0) }

    /// The id of the token with this hash, if it exists (it has not been revoked).
    public func tokenID(hash: String) async throws -> Int64? {
        guard Self.canName(hash) else { return nil }
        return try await store.database.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM dashboard_token WHERE hash = ?", arguments: [hash])
        }
    }

    public func knowsToken(hash: String) async throws -> Bool {
        try await tokenID(hash: hash) != nil
    }

    /// Notes that token `id` was just used (by the JSON API; a sign-in notes it itself).
    public func touchToken(id: Int64) async throws {
        let now = store.clock()
        try await store.database.write { db in
            try db.execute(sql: "UPDATE dashboard_token SET last_used_at = ? WHERE id = ?", arguments: [now, id])
        }
    }

    /// Opens a session for `hours` with token `token`, which it notes as used; deletes the sessions
    /// that have expired. Throws when the token has been revoked meanwhile.
    public func openSession(id: String, csrf: String, token: Int64, hours: Double = 12) async throws {
        let now = store.clock()
        let expires = now.addingTimeInterval(hours * 3600)
        try await store.database.write { db in
            try Self.purgeExpired(db, now: now)
            try db.execute(sql: "UPDATE dashboard_token SET last_used_at = ? WHERE id = ?", arguments: [now, token])
            guard db.changesCount == 1 else { throw RuntimeError("the token was revoked") }
            try db.execute(
                sql: "INSERT INTO dashboard_session (id, csrf, expires_at, token_id) VALUES (?, ?, ?, ?)",
                arguments: [id, csrf, expires, token])
        }
    }

    /// The session, if it exists, has not expired and its token has not been revoked.
    public func session(id: String) async throws -> DashboardSession? {
        guard Self.canName(id) else { return nil }
        let now = store.clock()
        return try await store.database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT s.csrf, s.token_id FROM dashboard_session s JOIN dashboard_token t ON t.id = s.token_id
                    WHERE s.id = ? AND s.expires_at > ?
                    """, arguments: [id, now]
            ).map {
                // A session that does not read is an error said to the caller, never a trap.
                DashboardSession(
                    csrf: try $0.stored("csrf", in: "dashboard_session", key: nil),
                    tokenID: try $0.stored("token_id", in: "dashboard_session", key: nil))
            }
        }
    }

    /// The session's CSRF token, if the session is valid (see ``session(id:)``).
    public func csrf(session id: String) async throws -> String? {
        try await session(id: id)?.csrf
    }

    /// Ends the session (on every device its cookie was copied to: the session lives here, not in
    /// the cookie), and deletes the sessions that have expired.
    public func closeSession(id: String) async throws {
        let now = store.clock()
        try await store.database.write { db in
            if Self.canName(id) { try db.execute(sql: "DELETE FROM dashboard_session WHERE id = ?", arguments: [id]) }
            try Self.purgeExpired(db, now: now)
        }
    }

    /// Ends every session token `token` opened; returns how many.
    @discardableResult
    public func closeSessions(token: Int64) async throws -> Int {
        try await store.database.write { db in
            try db.execute(sql: "DELETE FROM dashboard_session WHERE token_id = ?", arguments: [token])
            return db.changesCount
        }
    }

    /// Deletes the sessions that have expired; returns how many.
    @discardableResult
    public func purgeExpiredSessions() async throws -> Int {
        let now = store.clock()
        return try await store.database.write { db in try Self.purgeExpired(db, now: now) }
    }

    /// How many sessions are kept, expired or not (for tests and the curious).
    public func sessionCount() throws -> Int {
        try store.database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM dashboard_session") ?? 0 }
    }

    @discardableResult
    static func purgeExpired(_ db: Database, now: Date) throws -> Int {
        try db.execute(sql: "DELETE FROM dashboard_session WHERE expires_at <= ?", arguments: [now])
        return db.changesCount
    }
}
