import BatonTestSupport
import Foundation
import Glibc
import Testing

@testable import PostgresStore

/// `--store URL` through the real binaries (`baton`, which hands the runtime's commands to
/// `baton-runtime`), against the throwaway PostgreSQL server: the schema migrated by
/// `baton store migrate`, then the runtime's commands on it; and what a bad URL, a refused or a
/// silent server say (a message and a non-zero exit, in bounded time, never the password).
@Suite("The --store option", .serialized)
struct StoreCommandTests {
    static var blueprint: String {
        BatonBinary.packageRoot.appendingPathComponent("Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml")
            .path
    }

    /// `baton ARGUMENTS`, waited for on a thread of its own (never one of the cooperative pool's).
    static func baton(_ arguments: [String], environment: [String: String] = [:]) async throws -> BatonBinary.RunResult
    {
        try await onThread { try BatonBinary.runBlocking(arguments, environment: environment) }
    }

    /// A tenant name no other test used.
    static func freshTenant() -> String {
        "e2e_" + UUID().uuidString.prefix(8).lowercased().replacingOccurrences(of: "-", with: "")
    }

    @Test(
        "store migrate, then event send, run --once, cases and kpis on PostgreSQL, the data folder's SQLite untouched")
    func migrateThenRun() async throws {
        let url = try await TestServer.address()
        let tenant = Self.freshTenant()
        let data = BatonBinary.temporaryFolder()
        let on = ["--store", url, "--tenant", tenant, "--data-dir", data]
        // Not migrated yet: every command says what to run, and stops.
        let early = try await Self.baton(["cases", "list"] + on)
        #expect(early.status == 1 && early.stdout.isEmpty)
        #expect(
            early.stderr.contains("has no schema yet")
                && early.stderr.contains("baton store migrate --store URL --tenant \(tenant)"))
        let migrated = try await Self.baton(["store", "migrate"] + on)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.hasPrefix("business \(tenant): the schema created version "))
        let again = try await Self.baton(["store", "migrate"] + on)
        #expect(again.stdout.hasPrefix("business \(tenant): the schema is already version "))

        for n in 1...3 {
            let lead =
                #"{"name": "Lead \#(n)", "email": "lead\#(n)@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap"}"#
            let sent = try await Self.baton(
                ["event", "send", "lead.received", "--payload", lead, "--case", "lead-\(n)"] + on)
            #expect(sent.stdout == "event \(n) stored for case lead-\(n)\n", "\(sent.stderr)")
        }
        let run = try await Self.baton(["run", Self.blueprint, "--once"] + on)
        #expect(run.status == 0, "\(run.stderr)")
        let outbox = try FileManager.default.contentsOfDirectory(atPath: data + "/outbox").filter {
            $0.hasSuffix(".eml")
        }
        #expect(outbox.count == 3)
        let cases = try await Self.baton(["cases", "list", "--json"] + on)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(cases.stdout.utf8)) as? [String: Any])
        #expect(
            (listed["cases"] as? [[String: String]])?.compactMap { $0["id"] }.sorted() == [
                "lead-1", "lead-2", "lead-3",
            ])
        let timeline = try await Self.baton(["cases", "show", "lead-2"] + on).stdout
        #expect(timeline.contains("sent     scheduler  email.send"))
        let kpis = try await Self.baton(["kpis", "--json"] + on)
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(kpis.stdout.utf8)) as? [String: Any])
        #expect(figures["leads_answered"] as? Int == 3)
        // The data folder holds the blueprint and the outbox, not the cases: its SQLite store is empty.
        #expect(try await Self.baton(["cases", "list", "--data-dir", data]).stdout == "no cases yet\n")
        // The tenant comes from the blueprint kept in the folder when --tenant is left out: another business.
        let byName = try await Self.baton(["cases", "list", "--store", url, "--data-dir", data])
        #expect(
            byName.status == 1 && byName.stderr.contains("baton store migrate --store URL --tenant baton_bow_river"))
        let named = try await Self.baton(["store", "migrate", "--store", url, "--data-dir", data])
        #expect(named.stdout.hasPrefix("business baton_bow_river_plumbing_heating_"), "\(named.stderr)")
        #expect(try await Self.baton(["cases", "list", "--store", url, "--data-dir", data]).stdout == "no cases yet\n")
    }

    @Test("a schema newer than this baton knows is refused, by every command and by store migrate")
    func newerSchema() async throws {
        let url = try await TestServer.address()
        let tenant = Self.freshTenant()
        let store = try await PostgresStore.open(
            try PostgresSettings(url: url, environment: [:]), tenant: try Tenant(explicit: tenant))
        try await store.write { tx in
            try tx.run(
                "INSERT INTO schema_version (version, name) VALUES (\(PostgresStore.schemaVersion + 1), 'from the future')"
            )
        }
        await store.close()
        for command in [["cases", "list"], ["store", "migrate"], ["run", Self.blueprint, "--once"]] {
            let result = try await Self.baton(
                command + ["--store", url, "--tenant", tenant, "--data-dir", BatonBinary.temporaryFolder()])
            #expect(result.status == 1, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("newer than this baton knows"), "\(command): \(result.stderr)")
        }
    }

    @Test("a bad URL, a refused and a silent server: a message, a non-zero exit, no password, bounded time")
    func badStores() async throws {
        let refused = "postgres://dana:s3cret-pw@127.0.0.1:\(LoopbackPort.free())/db"
        for (url, status, said) in [
            ("mysql://x@127.0.0.1/db", Int32(64), "must start with postgres:// or postgresql://"),
            ("postgres://x@127.0.0.1:99999/db", 64, "the port must be 1 to 65535"),
            ("postgres://127.0.0.1/db", 64, "names no user"),
            ("postgres://x@127.0.0.1/db?sslmode=maybe", 64, "sslmode must be one of"),
            (refused, 1, "cannot open the PostgreSQL store at postgres://dana@127.0.0.1:"),
        ] {
            let result = try await Self.baton(["cases", "list", "--store", url, "--tenant", "acme"])
            #expect(result.status == status, "\(url): \(result.stderr)")
            #expect(result.stderr.contains(said), "\(url): \(result.stderr)")
            #expect(!result.stderr.contains("s3cret") && !result.stderr.contains("Fatal error"))
            // Refused at once, not given up after the 10 s connect timeout (judged by what it says, not
            // by the time: the debug binary's start beside the whole suite can take seconds).
            #expect(!result.stderr.contains("no answer within"), "\(url): \(result.stderr)")
        }
        let url = try await TestServer.address()
        let badTenant = try await Self.baton(["cases", "list", "--store", url, "--tenant", "Robert'); DROP"])
        #expect(badTenant.status == 64 && badTenant.stderr.contains("--tenant: a tenant is 1 to 63 of a-z"))
        let wrongDatabase = try await Self.baton([
            "store", "migrate", "--store", url.replacingOccurrences(of: "/postgres?", with: "/no_such_db?"), "--tenant",
            "acme",
        ])
        #expect(wrongDatabase.status == 1 && wrongDatabase.stderr.contains("does not exist (3D000)"))

        // A server that takes the connection and never answers: given up after 10 s.
        let silent = try SilentListener()
        defer { silent.close() }
        let started = Date()
        let result = try await Self.baton([
            "event", "send", "lead.received", "--store", "postgres://x@127.0.0.1:\(silent.port)/db", "--tenant", "acme",
        ])
        let waited = Date().timeIntervalSince(started)
        #expect(result.status == 1 && result.stderr.contains("no answer within 10 s"), "\(result.stderr)")
        #expect(waited > 9 && waited < 120, "\(waited) s")  // the 10 s bound, plus a loaded machine
    }
}

/// A loopback port that completes TCP connections (the kernel's backlog) and never reads or answers.
private final class SilentListener: Sendable {
    let port: Int
    private let socket: Int32

    init() throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        socket = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw LoopbackSocket.Failure(description: "cannot listen") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(socket) }
}
