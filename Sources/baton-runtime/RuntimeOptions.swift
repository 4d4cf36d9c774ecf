import ArgumentParser
import Blueprint
import Foundation
import Orchestrator
import PostgresStore
import Workspace

/// `--data-dir DIR`: where a running system keeps its database, its outbox and its blueprint;
/// `--store URL` and `--tenant NAME`: its data in a PostgreSQL database instead.
struct RuntimeOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "The runtime's folder.", discussion: "Default: $BATON_HOME/runtime (~/.baton/runtime).", valueName: "dir"))
    var dataDir: String?

    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "Keep the runtime's data in a PostgreSQL database instead of the data folder's SQLite file.",
            discussion: """
                postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE] (postgresql:// too); the \
                password from the URL or PGPASSWORD; MODE as libpq spells it: disable, prefer (the default), \
                require, verify-ca, verify-full. Create or upgrade the business's schema first with \
                `baton store migrate --store URL`. Without --store: the SQLite file in the data folder.
                """,
            valueName: "url"))
    var storeURL: String?

    @Option(
        name: .customLong("tenant"),
        help: ArgumentHelp(
            "The business's schema in the PostgreSQL database (with --store).",
            discussion: """
                Default: baton_ and the blueprint's business name (the blueprint given to `baton run`, else \
                the one in the data folder). Lower-case letters, digits and _.
                """,
            valueName: "name"))
    var tenant: String?

    func validate() throws {
        guard let storeURL else {
            if tenant != nil { throw ValidationError("--tenant names a business in a PostgreSQL store: give --store too") }
            return
        }
        do {
            _ = try PostgresSettings(url: storeURL)
            _ = try tenant.map(Tenant.init(explicit:))
        } catch let error as Tenant.NotPlain {
            throw ValidationError("--tenant: \(error)")
        } catch {
            throw ValidationError("\(error)")
        }
    }

    var folder: String {
        dataDir ?? (Workspace.defaultDirectory() as NSString).appendingPathComponent("runtime")
    }

    /// The runtime's store on the runtime's clock (``RuntimeClock``): the PostgreSQL database of
    /// `--store`, as the tenant of `blueprint` (or ``tenant(of:)`` says), its schema already this
    /// baton's, with `limits` (`baton run`'s leases); else the SQLite database in the folder.
    func store(blueprint: Blueprint? = nil, limits: PostgresStore.Limits = .init()) async throws -> any RuntimeStorage {
        let clock = try RuntimeClock.process.get()
        guard storeURL != nil else {
            do {
                return try RuntimeStore(folder: folder, clock: clock)
            } catch {
                throw Failure("cannot open the runtime in \(folder): \(error)")
            }
        }
        return try await postgresStore(tenant: try tenant(of: blueprint), migrate: false, clock: clock, limits: limits)
    }

    /// The PostgreSQL store of `--store` as `tenant` (within 10 s), migrated first when `migrate`.
    ///
    /// - Throws: ``Failure`` saying what is wrong: the server unreachable or refusing, the schema
    ///   newer than this baton's; ``SchemaBehind`` when it is not this baton's yet.
    func postgresStore(
        tenant: Tenant, migrate: Bool, clock: @escaping @Sendable () -> Date, limits: PostgresStore.Limits = .init()
    ) async throws -> PostgresStore {
        let settings: PostgresSettings
        do {
            settings = try PostgresSettings(url: storeURL ?? "")
        } catch {
            throw Failure("\(error)")
        }
        do {
            return try await PostgresStore.connect(
                settings, tenant: tenant, clock: clock, migrate: migrate, limits: limits)
        } catch let error as PostgresSchemaError {
            switch error {
            case .older(_, let found, let known):
                throw SchemaBehind(
                    found: found,
                    description: """
                        the business \(tenant) in \(settings.redacted) \(found == 0 ? "has no schema yet" : "has schema version \(found)"), \
                        this baton needs version \(known): run `baton store migrate --store URL --tenant \(tenant)`
                        """)
            case .newer:
                throw Failure("\(error)")
            }
        } catch let error as PostgresConnectError {
            throw Failure(error.description)
        }
    }

    /// The business's tenant in the PostgreSQL store: `--tenant`, else from the business name of
    /// `blueprint` or of the blueprint kept in the data folder.
    func tenant(of blueprint: Blueprint?) throws -> Tenant {
        if let tenant {
            do { return try Tenant(explicit: tenant) } catch { throw Failure("--tenant: \(error)") }
        }
        if let blueprint { return Tenant(blueprintName: blueprint.business.name) }
        let kept = (folder as NSString).appendingPathComponent("blueprint.yaml")
        guard FileManager.default.fileExists(atPath: kept) else {
            throw Failure(
                """
                which business? name it with --tenant NAME, or use the data folder `baton run BLUEPRINT --store URL` \
                runs in (--data-dir; no blueprint in \(folder))
                """)
        }
        return Tenant(blueprintName: try self.blueprint().business.name)
    }

    /// The blueprint `baton run` last started with, kept in the data folder.
    func blueprint() throws -> Blueprint {
        let path = (folder as NSString).appendingPathComponent("blueprint.yaml")
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(
                "no blueprint in \(folder) yet: start the system once with `baton run BLUEPRINT --data-dir \(folder)`")
        }
        return try BlueprintFile.load(path: path)
    }
}

/// The business's schema in the PostgreSQL store is behind this baton's (version 0: none yet): what
/// to run. `baton store migrate` catches it; every other command says it and stops.
struct SchemaBehind: Error, CustomStringConvertible {
    let found: Int
    let description: String
}
