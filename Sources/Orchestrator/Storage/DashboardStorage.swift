import Foundation

/// The dashboard's tokens and sessions, part of ``RuntimeStorage``. Tokens are kept as hashes.
package protocol DashboardStorage: Sendable {
    /// The id of the token with this hash, if it exists and is not revoked.
    func dashboardTokenID(hash: String) async throws -> Int64?
    /// Notes that a token was used now.
    func touchDashboardToken(id: Int64) async throws
    /// Opens a session signed in with token `token`, good for `hours`.
    func openDashboardSession(id: String, csrf: String, token: Int64, hours: Double) async throws
    /// The session with this id, if it is open and not expired.
    func dashboardSession(id: String) async throws -> DashboardSession?
    /// Ends one session.
    func closeDashboardSession(id: String) async throws
    /// Ends every session of a token; returns how many.
    @discardableResult
    func closeDashboardSessions(token: Int64) async throws -> Int
}
