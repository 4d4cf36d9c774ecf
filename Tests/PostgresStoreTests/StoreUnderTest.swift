import Foundation
import PostgresStore
import Synchronization
import Testing

@testable import Orchestrator

/// The two stores the suite runs on.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A new, empty store of this kind on `clock` (a fresh folder, or a fresh tenant), as the
    /// runtime holds it.
    func make(clock: TestClock) async throws -> any RuntimeStorage {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-conf-\(UUID().uuidString)")
            return try RuntimeStore(folder: folder.path, clock: { clock.now })
        case .postgres:
            return try await PostgresStore.fresh(clock: { clock.now })
        }
    }
}

extension StoreKind {
    /// A new, empty store of each kind on one clock, SQLite first.
    static func both(clock: TestClock) async throws -> [any RuntimeStorage] {
        var stores: [any RuntimeStorage] = []
        for kind in allCases { stores.append(try await kind.make(clock: clock)) }
        return stores
    }
}

extension PostgresStore {
    /// A store on the tests' server in a tenant no test used before, its schema made.
    static func fresh(clock: @escaping @Sendable () -> Date = Date.init) async throws -> PostgresStore {
        try await open(
            try PostgresSettings(url: try await TestServer.address(), environment: [:]), tenant: try Tenant.fresh(),
            clock: clock)
    }
}

extension Tenant {
    /// A tenant no test used before.
    static func fresh() throws -> Tenant {
        try Tenant(explicit: "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())
    }
}

/// A clock the test moves.
final class TestClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_780_000_000)) { time = Mutex(start) }

    var now: Date { time.withLock { $0 } }

    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
}
