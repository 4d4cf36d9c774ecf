import BatonTestSupport
import Foundation
import Testing

@testable import Orchestrator

/// The dashboard's tokens and sessions, the same on both stores: hostile hashes and session ids
/// find only what was stored under them, sessions expire, sign-outs and revocations end them.
@Suite("Dashboard conformance", .serialized)
struct DashboardConformanceTests {
    /// `count` distinct hostile strings: quotes, SQL, wildcards, Unicode, long ones, near-twins.
    static func hostile(_ count: Int, seed: UInt64) -> [String] {
        var random = SplitMix(state: seed)
        let pieces = [
            "'", "\"", "''; DROP TABLE dashboard_token; --", "%", "_", "\\", "$1", "é", "e\u{301}", "🔑", "ǅ", " ",
            "\t", "\n", "ABC", "abc", "0", "null", "NULL", String(repeating: "x", count: 4000), "\u{FEFF}", "ß",
        ]
        var seen = Set<String>()
        while seen.count < count {
            var text = ""
            for _ in 0..<(1 + random.below(4)) { text += random.pick(pieces) }
            seen.insert(text + String(random.below(1_000_000)))
        }
        return seen.sorted()
    }

    @Test("tokens: each hostile hash finds its own token, once; near-twins and NULs find nothing", arguments: StoreKind.allCases)
    func tokens(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        let hashes = Self.hostile(300, seed: 16)
        var ids: [String: Int64] = [:]
        for (index, hash) in hashes.enumerated() {
            let id = try await store.addDashboardToken(hash: hash, label: index % 3 == 0 ? nil : "label \(hash)")
            ids[hash] = id
            // The same hash again is the same token.
            if index % 10 == 0 { #expect(try await store.addDashboardToken(hash: hash, label: "other") == id) }
        }
        #expect(Set(ids.values).count == hashes.count)
        for hash in hashes {
            #expect(try await store.dashboardTokenID(hash: hash) == ids[hash])
            for twin in [hash + " ", " " + hash, hash.uppercased(), hash + "\u{0}", String(hash.dropLast()), hash + "%"]
            where ids[twin] == nil {
                #expect(try await store.dashboardTokenID(hash: twin) == nil, "\(twin.debugDescription)")
            }
        }
        let listing = try await store.dashboardTokenListing()
        #expect(listing.unreadable.isEmpty)
        #expect(listing.tokens.map(\.id) == hashes.compactMap { ids[$0] }.sorted())
        #expect(listing.tokens.allSatisfy { $0.createdAt == clock.now && $0.lastUsedAt == nil && $0.sessions == 0 })
        let labelled = Dictionary(uniqueKeysWithValues: hashes.enumerated().map { (ids[$1] ?? 0, $0 % 3 == 0 ? nil : "label \($1)") })
        #expect(listing.tokens.allSatisfy { $0.label == labelled[$0.id] ?? nil })
        clock.advance(5)
        let touched = try #require(ids[hashes[7]])
        try await store.touchDashboardToken(id: touched)
        let used = try await store.dashboardTokenListing().tokens.filter { $0.lastUsedAt != nil }
        #expect(used.map(\.id) == [touched] && used.first?.lastUsedAt == clock.now)
        await #expect(throws: RuntimeError.self) { try await store.revokeDashboardToken(id: 9_999_999) }
    }

    @Test("sessions: found until they expire or end; a revoked token's end with it and it opens no more", arguments: StoreKind.allCases)
    func sessions(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        var random = SplitMix(state: 7)
        let tokens = [
            try await store.addDashboardToken(hash: "a", label: nil), try await store.addDashboardToken(hash: "b", label: "b"),
            try await store.addDashboardToken(hash: "c", label: nil),
        ]
        let ids = Self.hostile(200, seed: 3)
        var open: [String: (token: Int64, csrf: String, hours: Double)] = [:]
        for id in ids {
            let token = random.pick(tokens)
            let hours = random.pick([0.5, 1, 12])
            try await store.openDashboardSession(id: id, csrf: "csrf-\(id)", token: token, hours: hours)
            open[id] = (token, "csrf-\(id)", hours)
        }
        for id in ids {
            let session = try await store.dashboardSession(id: id)
            #expect(session == DashboardSession(csrf: "csrf-\(id)", tokenID: open[id]?.token ?? 0))
            #expect(try await store.dashboardSession(id: id + "\u{0}") == nil)
            #expect(try await store.dashboardSession(id: id.uppercased() == id ? id + "x" : id.uppercased()) == nil)
        }
        // An hour on: the half-hour sessions have expired, the hour's too (expiry is exclusive).
        clock.advance(3600)
        let listing = try await store.dashboardTokenListing().tokens
        for token in tokens {
            let alive = open.values.filter { $0.token == token && $0.hours > 1 }.count
            #expect(listing.first { $0.id == token }?.sessions == alive)
        }
        for id in ids {
            let found = try await store.dashboardSession(id: id)
            #expect((found != nil) == ((open[id]?.hours ?? 0) > 1))
        }
        // Signing out ends one session; a hostile id ends nothing else.
        let survivor = try #require(ids.first { (open[$0]?.hours ?? 0) > 1 })
        try await store.closeDashboardSession(id: survivor + "\u{0}")
        try await store.closeDashboardSession(id: "' OR '1'='1")
        #expect(try await store.dashboardSession(id: survivor) != nil)
        try await store.closeDashboardSession(id: survivor)
        #expect(try await store.dashboardSession(id: survivor) == nil)
        // The close above purged the expired ones: closing a token's sessions counts the live ones.
        let first = tokens[0]
        let live = open.filter { $0.value.token == first && $0.value.hours > 1 && $0.key != survivor }.count
        #expect(try await store.closeDashboardSessions(token: first) == live)
        #expect(try await store.closeDashboardSessions(token: first) == 0)
        // Revoking a token ends its sessions and its sign-ins.
        let second = tokens[1]
        let secondLive = open.filter { $0.value.token == second && $0.value.hours > 1 && $0.key != survivor }.count
        #expect(try await store.revokeDashboardToken(id: second) == secondLive)
        #expect(try await store.dashboardTokenID(hash: "b") == nil)
        await #expect(throws: RuntimeError.self) {
            try await store.openDashboardSession(id: "late", csrf: "x", token: second, hours: 1)
        }
        #expect(try await store.dashboardSession(id: "late") == nil)
        #expect(try await store.dashboardTokenListing().tokens.map(\.id) == [tokens[0], tokens[2]])
    }
}
