import Foundation
import Logging
import NIOCore
import NIOSSL
import Orchestrator
import PostgresNIO
import Synchronization

/// The runtime's store on PostgreSQL: the same ``RuntimeStorage`` as the SQLite store, for several
/// `baton run` workers sharing one database, and many businesses in one database (a schema per
/// tenant).
///
/// Connections come from PostgresNIO's `PostgresClient`, a pool that runs as a service: the store
/// runs it in a task of its own from ``open(_:tenant:clock:migrate:limits:)`` until ``close()`` (a
/// command that opens a store for one read needs no service group around it). Every connection
/// starts with the tenant's schema alone on its `search_path` and a `statement_timeout`.
///
/// Reads use PostgresNIO's async API. Writes (``transaction(_:)``) run their synchronous body on a
/// transaction thread (``TransactionThreads``) that waits for each query there, each with a
/// timeout; no thread of the cooperative pool and no event loop ever waits.
package final class PostgresStore: Sendable, RuntimeStorage {
    /// Times the store waits for, and how long leases last.
    package struct Limits: Sendable {
        /// How long one query may take (also the server's `statement_timeout`).
        package var queryTimeout: Duration = .seconds(30)
        /// How long a worker keeps a case it read (its step runs and commits within it, or another
        /// worker takes the case over).
        package var caseLease: Duration = .seconds(60)
        /// How long a worker keeps an outbox item it is sending (longer than any connector's timeout).
        package var outboxLease: Duration = .seconds(300)
        /// Connections in the pool.
        package var connections = 8
        /// How long opening the store may wait for the schema: its migrations, or another worker's
        /// (workers starting together wait for the one that migrates, longer than one query).
        package var migrationTimeout: Duration = .seconds(600)

        package init() {}
    }

    package let clock: @Sendable () -> Date
    package let installID: String
    /// Whose data this store reads and writes.
    package let tenant: Tenant
    /// This process among the workers: the holder of the leases it takes.
    package let worker: String
    package let limits: Limits

    let client: PostgresClient
    let logger: Logger
    let threads = TransactionThreads()
    /// The busy times found unreadable and audited by this process (each once).
    let reportedBusy = Mutex<Set<Int64>>([])
    private let service: Task<Void, Never>

    private init(
        client: PostgresClient, service: Task<Void, Never>, tenant: Tenant, installID: String, limits: Limits,
        logger: Logger, clock: @escaping @Sendable () -> Date
    ) {
        self.client = client
        self.service = service
        self.tenant = tenant
        self.installID = installID
        self.limits = limits
        self.logger = logger
        self.clock = clock
        worker = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
    }

    /// Connects to `settings`' database as `tenant`, creating or upgrading its schema when
    /// `migrate` (as the SQLite store does on open), else only checking it is this binary's.
    ///
    /// - Throws: ``PostgresSchemaError`` when the schema is newer than this binary knows (or, without
    ///   `migrate`, older); the server's error when it cannot be reached or refuses the login.
    package static func open(
        _ settings: PostgresSettings, tenant: Tenant, clock: @escaping @Sendable () -> Date = Date.init,
        migrate: Bool = true, limits: Limits = Limits()
    ) async throws -> PostgresStore {
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: try tls(settings))
        configuration.options.maximumConnections = max(1, limits.connections)
        configuration.options.connectTimeout = limits.queryTimeout
        configuration.options.additionalStartupParameters = [
            ("search_path", tenant.quoted),
            ("statement_timeout", "\(limits.queryTimeout.components.seconds * 1000)"),
            ("application_name", "baton"),
            ("TimeZone", "UTC"),
        ]
        let logger = Logger(label: "baton.postgres") { _ in SwiftLogNoOpLogHandler() }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let service = Task { await client.run() }
        do {
            let installID = try await PostgresMigrator(
                client: client, tenant: tenant, timeout: limits.migrationTimeout, logger: logger
            ).prepare(migrate: migrate)
            return PostgresStore(
                client: client, service: service, tenant: tenant, installID: installID, limits: limits,
                logger: logger, clock: clock)
        } catch {
            service.cancel()
            await service.value
            throw error
        }
    }

    /// Closes the pool's connections and ends its service task.
    package func close() async {
        service.cancel()
        await service.value
    }

    private static func tls(_ settings: PostgresSettings) throws -> PostgresClient.Configuration.TLS {
        guard let tls = tlsConfiguration(settings) else { return .disable }
        return settings.sslMode == .prefer ? .prefer(tls) : .require(tls)
    }

    /// TLS as `sslmode` asks for it (nil: none), the certificate checked as libpq checks it.
    static func tlsConfiguration(_ settings: PostgresSettings) -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch settings.sslMode {
        case .disable: return nil
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        return tls
    }

    /// The query timeout as NIO's time.
    var queryTimeout: TimeAmount { .seconds(limits.queryTimeout.components.seconds) }
}
