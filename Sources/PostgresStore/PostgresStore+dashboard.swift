import Foundation
import Orchestrator
import PostgresNIO

/// Who may use the dashboard (``DashboardStorage``, and the tokens of ``OperatorStorage``), the
/// SQLite store's SQL (DashboardAccess.swift) in PostgreSQL's words: tokens kept as hashes, sessions
/// that belong to the token that opened them, expired ones never accepted and deleted at each
/// sign-in and sign-out; a hash or session id that cannot name one (``DashboardAccess/canName(_:)``)
/// finds nothing.
extension PostgresStore: DashboardStorage {
    package func dashboardTokenID(hash: String) async throws -> Int64? {
        guard DashboardAccess.canName(hash) else { return nil }
        return try await value("SELECT id FROM dashboard_token WHERE hash = \(hash)", as: Int64.self)
    }

    package func touchDashboardToken(id: Int64) async throws {
        let now = StoredTime.rounded(clock())
        try await write { tx in try tx.run("UPDATE dashboard_token SET last_used_at = \(now) WHERE id = \(id)") }
    }

    package func openDashboardSession(id: String, csrf: String, token: Int64, hours: Double) async throws {
        let now = StoredTime.rounded(clock())
        let expires = StoredTime.rounded(now.addingTimeInterval(hours * 3600))
        try await write { tx in
            try tx.run("DELETE FROM dashboard_session WHERE expires_at <= \(now)")
            guard try tx.run("UPDATE dashboard_token SET last_used_at = \(now) WHERE id = \(token)").metadata.rows == 1
            else { throw RuntimeError("the token was revoked") }
            try tx.run(
                "INSERT INTO dashboard_session (id, csrf, expires_at, token_id) VALUES (\(id), \(csrf), \(expires), \(token))")
        }
    }

    package func dashboardSession(id: String) async throws -> DashboardSession? {
        guard DashboardAccess.canName(id) else { return nil }
        let now = StoredTime.rounded(clock())
        guard
            let row = try await rows(
                """
                SELECT s.csrf, s.token_id FROM dashboard_session s JOIN dashboard_token t ON t.id = s.token_id
                WHERE s.id = \(id) AND s.expires_at > \(now)
                """
            ).first
        else { return nil }
        return DashboardSession(stored: try row("csrf"), tokenID: try row("token_id"))
    }

    package func closeDashboardSession(id: String) async throws {
        let now = StoredTime.rounded(clock())
        try await write { tx in
            if DashboardAccess.canName(id) { try tx.run("DELETE FROM dashboard_session WHERE id = \(id)") }
            try tx.run("DELETE FROM dashboard_session WHERE expires_at <= \(now)")
        }
    }

    @discardableResult
    package func closeDashboardSessions(token: Int64) async throws -> Int {
        try await write { tx in
            try tx.run("DELETE FROM dashboard_session WHERE token_id = \(token)").metadata.rows ?? 0
        }
    }

    // MARK: Tokens (the operator's commands)

    package func addDashboardToken(hash: String, label: String?) async throws -> Int64 {
        let now = StoredTime.rounded(clock())
        return try await write { tx in
            try tx.run(
                """
                INSERT INTO dashboard_token (hash, label, created_at) VALUES (\(hash), \(label), \(now))
                ON CONFLICT (hash) DO NOTHING
                """)
            return try tx.run("SELECT id FROM dashboard_token WHERE hash = \(hash)").first?.decode(Int64.self) ?? 0
        }
    }

    package func dashboardTokenListing() async throws -> (tokens: [DashboardToken], unreadable: [StoredDataError]) {
        let now = StoredTime.rounded(clock())
        let tokens = try await rows(
            """
            SELECT t.id, t.label, t.created_at, t.last_used_at,
                (SELECT count(*) FROM dashboard_session s WHERE s.token_id = t.id AND s.expires_at > \(now)) AS sessions
            FROM dashboard_token t ORDER BY t.id
            """
        ).map {
            DashboardToken(
                stored: try $0("id"), label: try $0("label"), createdAt: try $0("created_at"),
                lastUsedAt: try $0("last_used_at"), sessions: try $0("sessions"))
        }
        // The columns' types keep every row readable: nothing to set aside.
        return (tokens, [])
    }

    package func revokeDashboardToken(id: Int64) async throws -> Int {
        try await write { tx in
            guard try tx.run("DELETE FROM dashboard_token WHERE id = \(id)").metadata.rows == 1 else {
                throw RuntimeError("no dashboard token \(id) (see `baton approvals token --list`)")
            }
            return try tx.run("DELETE FROM dashboard_session WHERE token_id = \(id)").metadata.rows ?? 0
        }
    }
}
