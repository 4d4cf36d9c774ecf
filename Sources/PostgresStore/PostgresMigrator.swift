import Logging
import PostgresNIO

/// Brings a tenant's schema to ``PostgresSchema/current``: creates the schema, applies the
/// migrations it lacks in one transaction, and refuses a schema newer than this binary knows. Runs
/// under an advisory lock of the tenant, so workers starting together migrate once; the others
/// wait for it within `timeout` (the transaction's own `statement_timeout`, not one query's).
struct PostgresMigrator {
    let client: PostgresClient
    let tenant: Tenant
    let timeout: Duration
    let logger: Logger

    /// Checks (and when `migrate`, upgrades) the schema; returns the runtime's install id.
    func prepare(migrate: Bool) async throws -> String {
        try await client.withConnection { connection in
            try await run("BEGIN", on: connection)
            do {
                try await run("SET LOCAL statement_timeout = \(timeout.components.seconds * 1000)", on: connection)
                let lockKey = "baton.migrate.\(tenant.schema)"
                try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(lockKey)))", logger: logger)
                if migrate { try await run("CREATE SCHEMA IF NOT EXISTS \(tenant.quoted)", on: connection) }
                let version = try await schemaVersion(connection)
                if version > PostgresSchema.current {
                    throw PostgresSchemaError.newer(tenant: tenant.schema, found: version, known: PostgresSchema.current)
                }
                if version < PostgresSchema.current {
                    guard migrate else {
                        throw PostgresSchemaError.older(tenant: tenant.schema, found: version, known: PostgresSchema.current)
                    }
                    try await run(
                        """
                        CREATE TABLE IF NOT EXISTS schema_version (
                            version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                        """, on: connection)
                    for migration in PostgresSchema.migrations where migration.version > version {
                        for statement in Self.statements(migration.sql) { try await run(statement, on: connection) }
                        try await connection.query(
                            "INSERT INTO schema_version (version, name) VALUES (\(migration.version), \(migration.name))",
                            logger: logger)
                    }
                }
                let rows = try await connection.query(
                    "SELECT value FROM runtime_meta WHERE key = 'install'", logger: logger)
                var install = ""
                for try await value in rows.decode(String.self) { install = value }
                try await run("COMMIT", on: connection)
                return install
            } catch {
                try? await run("ROLLBACK", on: connection)
                throw error
            }
        }
    }

    /// The schema's version: 0 when it has no `schema_version` table yet.
    private func schemaVersion(_ connection: PostgresConnection) async throws -> Int {
        let exists = try await connection.query(
            "SELECT to_regclass('schema_version') IS NOT NULL", logger: logger)
        var found = false
        for try await value in exists.decode(Bool.self) { found = value }
        guard found else { return 0 }
        var version = 0
        for try await value in try await connection.query(
            "SELECT coalesce(max(version), 0)::integer FROM schema_version", logger: logger
        ).decode(Int.self) {
            version = value
        }
        return version
    }

    private func run(_ sql: String, on connection: PostgresConnection) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// A migration's SQL as single statements (the extended protocol takes one at a time): split at
    /// each `;` outside `$$` bodies, quotes and `--` comments.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        var inQuote = false
        var inComment = false
        var previous: Character = " "
        for character in sql {
            if inComment {
                if character == "\n" { inComment = false }
                previous = character
                continue
            }
            if !inBody && !inQuote && character == "-" && previous == "-" {
                current.removeLast()
                inComment = true
                previous = " "
                continue
            }
            if !inQuote && character == "$" && previous == "$" { inBody.toggle() }
            if !inBody && character == "'" { inQuote.toggle() }
            if character == ";" && !inBody && !inQuote {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { statements.append(statement) }
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }
}

/// A database whose schema this binary cannot use as it is.
package enum PostgresSchemaError: Error, CustomStringConvertible, Equatable {
    /// Written by a newer Baton: this one would not know its tables.
    case newer(tenant: String, found: Int, known: Int)
    /// Not migrated yet (opened without migrating).
    case older(tenant: String, found: Int, known: Int)

    package var description: String {
        switch self {
        case .newer(let tenant, let found, let known):
            "tenant \(tenant): the database's schema is version \(found), newer than this baton knows (\(known)); run a newer baton"
        case .older(let tenant, let found, let known):
            "tenant \(tenant): the database's schema is version \(found), this baton needs \(known); run `baton store migrate --store URL`"
        }
    }
}
