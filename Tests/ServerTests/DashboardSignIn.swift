import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension DashboardTests {
    /// Signs in as a browser does: the sign-in form first (its CSRF cookie and field), then the
    /// form posted back with `token`.
    static func signIn(_ base: URL, token: String) async throws -> Answer {
        let form = try await call(base.appendingPathComponent("login"))
        let nonce = String(try #require(form.headers["set-cookie"]).split(separator: ";")[0])
        let csrf = String(try #require(form.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
        return try await call(
            base.appendingPathComponent("login"), form: ["csrf": csrf, "token": token], cookie: nonce)
    }
}
