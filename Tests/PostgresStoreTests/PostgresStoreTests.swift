import BatonTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// What only the PostgreSQL store has: its URL, its tenants, its schema's version, and several
/// workers on one database.
@Suite("PostgreSQL store", .serialized)
struct PostgresStoreTests {
    @Test("a libpq URL reads; the password from the URL, else PGPASSWORD, never in a message")
    func settings() throws {
        let full = try PostgresSettings(
            url: "postgres://baton:s%40cret@db.example:6543/acme?sslmode=verify-full",
            environment: ["PGPASSWORD": "env"])
        #expect(full.host == "db.example" && full.port == 6543 && full.user == "baton" && full.database == "acme")
        #expect(full.password == "s@cret" && full.sslMode == .verifyFull)
        #expect(!full.redacted.contains("cret"))
        let bare = try PostgresSettings(url: "postgresql://ops@[::1]/", environment: ["PGPASSWORD": "env"])
        #expect(bare.host == "::1" && bare.port == 5432 && bare.database == "ops" && bare.password == "env")
        #expect(bare.sslMode == .prefer && bare.redacted == "postgres://ops@[::1]:5432/ops?sslmode=prefer")
        #expect(try PostgresSettings(url: "postgres://u@h/d", environment: [:]).password == nil)
    }

    @Test(
        "a bad URL is a clear error that never echoes the password",
        arguments: [
            "mysql://u:hunter2@h/d", "postgres://:hunter2@h/d", "postgres://u:hunter2@/d", "postgres://u:hunter2@h:0/d",
            "postgres://u:hunter2@h:99999/d", "postgres://u:hunter2@h/d?sslmode=maybe",
            "postgres://u:hunter2@h/d?foo=1",
            "postgres://u:hunter2@h/a/b", "postgres://u:hunter2@h d/x", "",
        ])
    func badURL(url: String) {
        #expect {
            try PostgresSettings(url: url, environment: [:])
        } throws: { error in
            let text = "\(error)"
            return error is PostgresSettingsError && !text.contains("hunter2") && text.contains("cannot be used")
        }
    }

    @Test("hostile URLs never trap: 500 generated strings either read or are refused")
    func generatedURLs() {
        var random = SplitMix(state: 99)
        let pieces = [
            "postgres://", "postgresql://", "u", ":", "p", "@", "h", "[", "]", "::1", "/", "d", "?", "sslmode=",
            "require",
            "&", "%", "%zz", "#", " ", "é", "\u{0}", "99999", "5432", "=",
        ]
        for _ in 0..<500 {
            let url = (0..<Int.random(in: 0..<12, using: &random)).map { _ in
                pieces[Int.random(in: 0..<pieces.count, using: &random)]
            }.joined()
            if let settings = try? PostgresSettings(url: url, environment: [:]) {
                #expect(!settings.host.isEmpty && !settings.user.isEmpty && (1...65535).contains(settings.port))
            }
        }
    }

    @Test("a tenant from a business name: plain names kept, others made plain and told apart by a hash")
    func tenants() throws {
        #expect(Tenant(blueprintName: "acme").schema == "baton_acme")
        let shouted = Tenant(blueprintName: "Acme Plumbing!")
        #expect(
            shouted.schema.hasPrefix("baton_acme_plumbing_")
                && shouted.schema.count == "baton_acme_plumbing__".count + 8)
        #expect(Tenant(blueprintName: "Acme!") != Tenant(blueprintName: "Acme?"))
        var random = SplitMix(state: 1)
        var seen: [String: String] = [:]
        for index in 0..<500 {
            let name =
                String(
                    (0..<Int.random(in: 0..<80, using: &random)).map { _ in
                        Character(UnicodeScalar(UInt8.random(in: 32...126, using: &random)))
                    }) + (index % 7 == 0 ? "ü\u{202E}" : "")
            let tenant = Tenant(blueprintName: name)
            #expect(tenant.schema.utf8.count <= 63)
            #expect(try Tenant(explicit: tenant.schema) == tenant, "\(name) → \(tenant.schema)")
            if let other = seen[tenant.schema] { #expect(other == name) }
            seen[tenant.schema] = name
        }
        for bad in ["", "Acme", "1abc", "pg_x", "public", "a-b", "a\"b", String(repeating: "a", count: 64)] {
            #expect(throws: Tenant.NotPlain.self) { try Tenant(explicit: bad) }
        }
    }

    @Test("a schema newer than this binary knows is refused; an older one without migrating too")
    func schemaVersion() async throws {
        let settings = try PostgresSettings(url: try await TestServer.address(), environment: [:])
        let tenant = try Tenant.fresh()
        await #expect(throws: PostgresSchemaError.older(tenant: tenant.schema, found: 0, known: PostgresSchema.current))
        {
            try await PostgresStore.open(settings, tenant: tenant, migrate: false)
        }
        let store = try await PostgresStore.open(settings, tenant: tenant)
        #expect(!store.installID.isEmpty)
        try await store.write { tx in
            try tx.run(
                "INSERT INTO schema_version (version, name) VALUES (\(PostgresSchema.current + 1), 'from the future')")
        }
        await store.close()
        await #expect(
            throws: PostgresSchemaError.newer(
                tenant: tenant.schema, found: PostgresSchema.current + 1, known: PostgresSchema.current)
        ) {
            try await PostgresStore.open(settings, tenant: tenant)
        }
        // Several workers opening one new tenant at once migrate it once.
        let fresh = try Tenant.fresh()
        let installs = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = try await PostgresStore.open(settings, tenant: fresh)
                    await store.close()
                    return store.installID
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(installs.count == 1)
    }

    @Test("a worker that starts while another migrates waits for it longer than one query may take")
    func migrationWaitOutlastsTheQueryTimeout() async throws {
        let settings = try PostgresSettings(url: try await TestServer.address(), environment: [:])
        let tenant = try Tenant.fresh()
        // Another worker's migration, as the lock it holds while it migrates: 15 s, three queries' time
        // (each query, and the connection, 5 s: a loaded machine may take more than 1 s to connect).
        let holder = try await PostgresConnection.connect(
            configuration: .init(
                host: settings.host, port: settings.port, username: settings.user, password: nil,
                database: settings.database, tls: .disable),
            id: 1, logger: Logger(label: "test"))
        let lockKey = "baton.migrate.\(tenant.schema)"
        try await holder.query("SELECT pg_advisory_lock(hashtext(\(lockKey)))", logger: Logger(label: "test"))
        var limits = PostgresStore.Limits()
        limits.queryTimeout = .seconds(5)
        let started = Date()
        let opening = Task { try await PostgresStore.open(settings, tenant: tenant, limits: limits) }
        try await Task.sleep(for: .seconds(15))
        try await holder.query("SELECT pg_advisory_unlock(hashtext(\(lockKey)))", logger: Logger(label: "test"))
        let opened = await opening.result
        try await holder.close()
        let store = try opened.get()
        #expect(Date().timeIntervalSince(started) >= 15)
        #expect(!store.installID.isEmpty)
        await store.close()
    }

    @Test("two tenants in one database never see each other's cases")
    func tenantIsolation() async throws {
        let settings = try PostgresSettings(url: try await TestServer.address(), environment: [:])
        let clock = TestClock()
        let first = try await PostgresStore.open(settings, tenant: try Tenant.fresh(), clock: { clock.now })
        let second = try await PostgresStore.open(settings, tenant: try Tenant.fresh(), clock: { clock.now })
        let event = try IntakeEvent(
            type: "lead.received", caseID: "secret-case", payload: ["email": "a@b.c"], producer: "intake",
            idempotencyKey: "k")
        try await first.submit(event)
        #expect(try await second.readStep(limit: 100, excluding: [], busyTimes: true, at: clock.now).cases.isEmpty)
        #expect(try await second.auditAsync(caseID: nil).isEmpty)
        #expect(try await second.metricsFacts(at: clock.now).totals["events"] == nil)
        // The same key is a new event in the other tenant, not the first's.
        #expect(try await second.store(group: [event])[0].get().isNew)
        #expect(first.installID != second.installID)
    }

    @Test(
        "several workers: each waiting event read by one worker, a case by one worker at a time, all of them finished")
    func workersShareCases() async throws {
        let settings = try PostgresSettings(url: try await TestServer.address(), environment: [:])
        let tenant = try Tenant.fresh()
        let clock = TestClock()
        var workers: [PostgresStore] = []
        for _ in 0..<3 { workers.append(try await PostgresStore.open(settings, tenant: tenant, clock: { clock.now })) }
        var random = SplitMix(state: 42)
        var submitted: Set<Int64> = []
        for index in 0..<300 {
            let event = try IntakeEvent(
                type: "lead.received", caseID: "case-\(Int.random(in: 0..<40, using: &random))",
                payload: ["n": "\(index)"], producer: "intake")
            submitted.insert(try await workers[index % 3].submit(event))
        }
        let now = clock.now
        // Each worker reads and finishes steps until nothing waits; no case is held by two at once.
        let finished = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in workers {
                group.addTask {
                    var done: [Int64] = []
                    for _ in 0..<200 {
                        let step = try await worker.readStep(limit: 16, excluding: [], busyTimes: false, at: now)
                        let ids = step.cases.flatMap { $0.events.compactMap(\.id) }
                        let cases = step.cases.flatMap { read in read.events.map { _ in read.caseID } }
                        if ids.isEmpty {
                            let left = try await worker.metricsFacts(at: now).ready
                            if left == 0 { break }
                            try await Task.sleep(for: .milliseconds(5))
                            continue
                        }
                        // Each finished event on its case's audit log: the log's order is the work's order.
                        let committed = try await worker.transaction { tx in
                            try zip(ids, cases).filter { id, caseID in
                                guard try tx.finishEvent(id, as: .done) else { return false }
                                try tx.appendAudit(at: now, caseID: caseID, agent: nil, kind: .event, detail: "\(id)")
                                return true
                            }.map(\.0)
                        }
                        done += committed
                    }
                    return done
                }
            }
            return try await group.reduce(into: [Int64]()) { $0 += $1 }
        }
        #expect(finished.count == submitted.count, "every event finished once")
        #expect(Set(finished) == submitted)
        // Each case's events were worked in order, whichever worker held it.
        let log = try await workers[0].auditAsync(caseID: nil)
        for (caseID, lines) in Dictionary(grouping: log, by: \.caseID) {
            let order = lines.compactMap { Int64($0.detail) }
            #expect(order == order.sorted(), "case \(caseID) worked out of order")
        }
        // The commits that finished the events gave their cases back.
        #expect(try await workers[0].value("SELECT count(*) FROM case_lease", as: Int.self) == 0)
        for worker in workers { await worker.close() }
    }

    @Test("a worker that dies holds its cases only until their lease runs out")
    func deadWorkerLease() async throws {
        let settings = try PostgresSettings(url: try await TestServer.address(), environment: [:])
        let tenant = try Tenant.fresh()
        let clock = TestClock()
        var short = PostgresStore.Limits()
        // Long enough that the survivor's first read surely comes inside it, on a loaded machine too.
        short.caseLease = .seconds(30)
        let dying = try await PostgresStore.open(settings, tenant: tenant, clock: { clock.now }, limits: short)
        let survivor = try await PostgresStore.open(settings, tenant: tenant, clock: { clock.now })
        try await dying.submit(try IntakeEvent(type: "lead.received", caseID: "c", payload: [:], producer: "intake"))
        #expect(try await dying.readStep(limit: 10, excluding: [], busyTimes: false, at: clock.now).cases.count == 1)
        // Read, never committed (the worker died): the other worker waits for the lease, then takes the case.
        #expect(try await survivor.readStep(limit: 10, excluding: [], busyTimes: false, at: clock.now).cases.isEmpty)
        // Then it comes back (within a generous bound past the lease).
        var taken = try await survivor.readStep(limit: 10, excluding: [], busyTimes: false, at: clock.now)
        let deadline = ContinuousClock.now + .seconds(120)
        while taken.cases.isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            taken = try await survivor.readStep(limit: 10, excluding: [], busyTimes: false, at: clock.now)
        }
        #expect(taken.cases.map(\.caseID) == ["c"])
        await dying.close()
        await survivor.close()
    }

    @Test("an outbox item is leased to one worker; a dead worker's item comes back when its lease runs out")
    func outboxLeases() async throws {
        let settings = try PostgresSettings(url: try await TestServer.address(), environment: [:])
        let tenant = try Tenant.fresh()
        let clock = TestClock()
        var short = PostgresStore.Limits()
        short.outboxLease = .seconds(30)
        let first = try await PostgresStore.open(settings, tenant: tenant, clock: { clock.now }, limits: short)
        let second = try await PostgresStore.open(settings, tenant: tenant, clock: { clock.now })
        try await first.transaction { tx in
            for index in 0..<50 {
                try tx.queueAction(
                    key: "k\(index)", caseID: "c", agent: "a", action: .emailSend, payloadJSON: "{}", at: clock.now)
            }
        }
        async let one = first.dueActions(limit: 30, lane: nil, at: clock.now)
        async let two = second.dueActions(limit: 30, lane: nil, at: clock.now)
        let (a, b) = try await (one, two)
        #expect(Set(a.compactMap(\.id)).isDisjoint(with: b.compactMap(\.id)))
        #expect(a.count + b.count == 50)
        // The first worker dies with its items; after the lease they are the second's.
        try await second.transaction { tx in for item in b { try tx.markSent(item.id!, attempts: 1, at: clock.now) } }
        #expect(try await second.dueActions(limit: 100, lane: nil, at: clock.now).isEmpty)
        // (Collected over reads: the leases ran out microseconds apart, and a read may fall between.)
        var back: [Int64] = []
        let deadline = ContinuousClock.now + .seconds(120)
        while back.count < a.count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(250))
            back += try await second.dueActions(limit: 100, lane: nil, at: clock.now).compactMap(\.id)
        }
        #expect(back.count == a.count && Set(back) == Set(a.compactMap(\.id)))
        await first.close()
        await second.close()
    }
}
