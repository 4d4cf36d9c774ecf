import ArgumentParser
import Foundation
import PostgresStore

/// `baton store migrate --store URL`: the runtime's schema in a PostgreSQL database, created or
/// upgraded for one business (its tenant) by the store's versioned migrations.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Create or upgrade the runtime's schema in a PostgreSQL database.",
        subcommands: [Migrate.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or upgrade a business's schema in the PostgreSQL database of --store.",
            discussion: """
                Each business has a schema of its own (its tenant). The migrations are numbered and run in \
                one transaction, under a lock of the tenant, so workers and operators running this at once \
                migrate once. A schema newer than this baton knows is left alone and refused. The runtime's \
                other commands with --store use the schema as it is and say when it needs this first.
                """)

        @OptionGroup var runtime: RuntimeOptions

        func validate() throws {
            guard runtime.storeURL != nil else {
                throw ValidationError("which database? give --store postgres://USER@HOST:PORT/DATABASE")
            }
        }

        func run() async throws {
            try await reportingFailures {
                let clock = try RuntimeClock.process.get()
                let tenant = try runtime.tenant(of: nil)
                // Opened as it is first: only a schema that is not this baton's yet is migrated.
                let before: Int
                do {
                    let store = try await runtime.postgresStore(tenant: tenant, migrate: false, clock: clock)
                    await store.close()
                    return print("business \(tenant): the schema is already version \(PostgresStore.schemaVersion)")
                } catch let behind as SchemaBehind {
                    before = behind.found
                }
                let store = try await runtime.postgresStore(tenant: tenant, migrate: true, clock: clock)
                await store.close()
                let done = before == 0 ? "created" : "upgraded from version \(before) to"
                print("business \(tenant): the schema \(done) version \(PostgresStore.schemaVersion)")
            }
        }
    }
}
