import Foundation
import PostgresStore
import Synchronization
import Testing

@testable import Orchestrator

/// What the conformance suite asks of a store: the runtime's own storage methods, the intake, the
/// approvals, the dashboard, the operator's commands, the deferred actions, the ledgers and outcomes.
/// Both stores have them; the suite runs every test on each.
protocol CoreStore: IntakeStorage, ApprovalStorage, DashboardStorage, OperatorStorage, DeferredStorage,
    LeadLedgerStorage, OutcomeStorage
{
    var clock: @Sendable () -> Date { get }
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any RuntimeTransaction) throws -> T) async throws -> T
    func isRefusal(_ error: any Error) -> Bool
    @discardableResult
    func submit(_ event: IntakeEvent) async throws -> Int64
    func readStep(limit: Int, excluding: Set<String>, busyTimes: Bool, at now: Date) async throws -> StepSnapshot
    func dueActions(limit: Int, lane: DispatchLane?, at now: Date) async throws -> [OutboxItem]
    func emailsBefore(_ id: Int64, caseID: String) async throws -> Int
    func auditCounts(from: Date, to: Date) async throws -> [AuditCount]
    func auditLines(from: Date, to: Date, kinds: [AuditKind]) async throws -> [AuditEntry]
    func deadLetters(from: Date, to: Date) async throws -> [EventRecord]
    func metricsFacts(at now: Date) async throws -> MetricsFacts
    func lastRun(_ job: String) async throws -> Date?
}

extension RuntimeStore: CoreStore {}
extension PostgresStore: CoreStore {}

/// The two stores the suite runs on.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A new, empty store of this kind on `clock` (a fresh folder, or a fresh tenant).
    func make(clock: TestClock) async throws -> any CoreStore {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-conf-\(UUID().uuidString)")
            return try RuntimeStore(folder: folder.path, clock: { clock.now })
        case .postgres:
            return try await PostgresStore.open(
                try PostgresSettings(url: try await TestServer.address(), environment: [:]), tenant: try Tenant.fresh(),
                clock: { clock.now })
        }
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
