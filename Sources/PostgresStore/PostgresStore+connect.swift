import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// Opening the store for a command: within a time limit (PostgresNIO's pool tries an unreachable
/// server again and again, and a request for a connection would wait for it as long), after one
/// plain connection that fails at once with the reason, and with what went wrong said in words. PostgresNIO's errors print a fixed text, so that they never
/// leak a query's values; ``PostgresConnectError`` says the server's own message, or the kind of
/// failure and its cause, and the URL without its password.
extension PostgresStore {
    /// ``open(_:tenant:clock:migrate:limits:)`` with `limits`, given up after `limit`.
    ///
    /// - Throws: ``PostgresConnectError`` when the server cannot be reached or refuses the login in
    ///   time; ``PostgresSchemaError`` as `open` does.
    package static func connect(
        _ settings: PostgresSettings, tenant: Tenant, clock: @escaping @Sendable () -> Date = Date.init,
        migrate: Bool = false, limits: Limits = Limits(), within limit: Duration = .seconds(10)
    ) async throws -> PostgresStore {
        // The first of the attempt and the deadline answers; a store opened too late is closed.
        // (Not a task group: it would wait for an attempt that does not heed cancellation.)
        let waiting = Mutex<CheckedContinuation<PostgresStore, any Error>?>(nil)
        let answer: @Sendable (Result<PostgresStore, any Error>) -> Bool = { result in
            guard let continuation = waiting.withLock({ $0.take() }) else { return false }
            continuation.resume(with: result)
            return true
        }
        return try await withCheckedThrowingContinuation { continuation in
            waiting.withLock { $0 = continuation }
            let attempt = Task {
                do {
                    try await probe(settings, within: limit)
                    let store = try await open(settings, tenant: tenant, clock: clock, migrate: migrate, limits: limits)
                    if !answer(.success(store)) { await store.close() }
                } catch let error as PostgresSchemaError {
                    _ = answer(.failure(error))
                } catch {
                    _ = answer(.failure(PostgresConnectError(settings: settings, reason: reason(error))))
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                let late = PostgresConnectError(
                    settings: settings, reason: "no answer within \(limit.components.seconds) s")
                if answer(.failure(late)) { attempt.cancel() }
            }
        }
    }

    /// One connection made and closed: the pool would try a refused connection or login again and
    /// again, and a request would wait without learning why; this one fails with the reason.
    private static func probe(_ settings: PostgresSettings, within limit: Duration) async throws {
        let tls: PostgresConnection.Configuration.TLS =
            switch tlsConfiguration(settings) {
            case nil: .disable
            case let configuration?:
                settings.sslMode == .prefer
                    ? .prefer(try NIOSSLContext(configuration: configuration))
                    : .require(try NIOSSLContext(configuration: configuration))
            }
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: tls)
        // A backstop only: the caller's deadline of `limit` answers first, as "no answer within",
        // and cancels this attempt. The same bound here raced it, and on a loaded machine the
        // driver's timer could win with its own words for the same fact.
        configuration.options.connectTimeout = .seconds(2 * limit.components.seconds)
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 0,
            logger: Logger(label: "baton.postgres") { _ in SwiftLogNoOpLogHandler() })
        try await connection.close()
    }

    /// The schema version this binary writes (the last of its migrations).
    package static var schemaVersion: Int { PostgresSchema.current }

    /// What `error` says, in words a person can act on (never the query or its values).
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if error.code == .server, let info = error.serverInfo {
            let message = info[.message] ?? "an error"
            return "the server said: \(message)\(info[.sqlState].map { " (\($0))" } ?? "")"
        }
        switch error.code {
        case .sslUnsupported: return "the server does not offer TLS, which sslmode asks for"
        case .authMechanismRequiresPassword: return "the server asks for a password: give it in the URL or PGPASSWORD"
        case .unsupportedAuthMechanism: return "the server asks for a login method this baton does not speak"
        case .connectionError: return "cannot connect\(error.underlying.map { ": \($0)" } ?? "")"
        case .serverClosedConnection, .uncleanShutdown:
            return
                "the connection closed before the login finished (no PostgreSQL server there, or the network dropped it)"
        default: return "\(error.code)\(error.underlying.map { ": \($0)" } ?? "")"
        }
    }
}

/// The PostgreSQL store could not be opened: where (without the password), and why.
package struct PostgresConnectError: Error, CustomStringConvertible, Sendable {
    package let description: String

    init(settings: PostgresSettings, reason: String) {
        description = "cannot open the PostgreSQL store at \(settings.redacted): \(reason)"
    }
}
