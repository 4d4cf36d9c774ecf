import BatonTestSupport
import Blueprint
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// Workers wake at each other's commits (LISTEN/NOTIFY): worker B's engine, whose fallback look is
/// two minutes away, takes each event worker A's store takes in within seconds; and the notices
/// say which service to wake (a queued action wakes the dispatcher, a waiting event the engine).
@Suite("Workers wake at each other's commits", .serialized)
struct ChangeFeedTests {
    static let blueprint = BatonBinary.packageRoot.appendingPathComponent(
        "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"
    ).path

    /// Two stores (two workers' pools) on one fresh tenant.
    static func stores() async throws -> (PostgresStore, PostgresStore) {
        let settings = try PostgresSettings(url: try await TestServer.address(), environment: [:])
        let tenant = try Tenant.fresh()
        let a = try await PostgresStore.open(settings, tenant: tenant)
        return (a, try await PostgresStore.open(settings, tenant: tenant))
    }

    /// Waits (up to 2 minutes, for a loaded machine) until some connection listens on `store`'s channel.
    static func listening(_ store: PostgresStore) async throws {
        let listened = try await eventually(every: .milliseconds(20)) {
            let listeners = try await store.value(
                "SELECT count(*) FROM pg_stat_activity WHERE query = \("LISTEN \"\(store.tenant.schema)\";")",
                as: Int.self)
            return (listeners ?? 0) > 0
        }
        if listened { return }
        Issue.record("nobody listens on \(store.tenant.schema)")
    }

    /// Seconds since `start`.
    static func since(_ start: ContinuousClock.Instant) -> Double {
        let elapsed = (ContinuousClock.now - start).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }

    @Test("an event taken in by worker A is worked by worker B well before B's fallback look")
    func anotherWorkersEventIsTakenAtOnce() async throws {
        let (a, b) = try await Self.stores()
        let engine = Engine(blueprint: try BlueprintFile.load(path: Self.blueprint), store: b)
        let (wakeup, committed) = (Wakeup(), Wakeup())
        let group = ServiceGroup(
            services: [
                EngineService(engine: engine, wakeup: wakeup, committed: committed, fallback: .seconds(120)),
                ChangeFeedService(feed: b, engine: wakeup, dispatcher: committed, log: { _ in }),
            ], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let running = Task { try await group.run() }
        try await Self.listening(b)
        // B's engine made its first look at start; from now on only a notice wakes it in time.
        try await Task.sleep(for: .milliseconds(300))
        var rng = SplitMix(seed: 16)
        var waits: [Double] = []
        for n in 1...8 {
            try await Task.sleep(for: .milliseconds(rng.below(400)))
            let started = ContinuousClock.now
            let id = try await a.submit(
                IntakeEvent(
                    type: "lead.received", caseID: "lead-\(n)",
                    payloadJSON: #"{"name": "Lead \#(n)", "email": "lead\#(n)@example.com", "budget": "4000"}"#,
                    producer: "intake", idempotencyKey: "feed-\(n)"))
            while try await a.value("SELECT status FROM event WHERE id = \(id)", as: String.self) == "pending",
                Self.since(started) < 90
            {
                try await Task.sleep(for: .milliseconds(10))
            }
            waits.append(Self.since(started))
        }
        // Far under the 120 s fallback: the notice woke B (a loaded machine may take seconds).
        #expect(waits.allSatisfy { $0 < 60 }, "seconds from A's intake to B's commit: \(waits)")
        print("change feed: B took A's events after \(waits.map { String(format: "%.3f", $0) }) s (fallback 120 s)")
        await group.triggerGracefulShutdown()
        _ = await running.result
        await a.close()
        await b.close()
    }

    @Test("a queued action wakes the dispatcher, a waiting event the engine; a lease or a finished event neither")
    func eachNoticeWakesItsService() async throws {
        let (a, b) = try await Self.stores()
        let (engine, dispatcher) = (Wakeup(), Wakeup())
        let feed = Task {
            try await ChangeFeedService(feed: b, engine: engine, dispatcher: dispatcher, log: { _ in }).run()
        }
        defer { feed.cancel() }
        try await Self.listening(b)
        // The wake-ups the feed gave once it listened.
        await engine.wait(upTo: .seconds(30))
        await dispatcher.wait(upTo: .seconds(30))
        /// Whether `wakeup` is signalled within `seconds`.
        func woken(_ wakeup: Wakeup, within seconds: Double) async -> Bool {
            let started = ContinuousClock.now
            await wakeup.wait(upTo: .milliseconds(Int64(seconds * 1000)))
            return Self.since(started) < seconds * 0.9
        }
        let id = try await a.submit(
            IntakeEvent(type: "lead.received", caseID: "c", payloadJSON: "{}", producer: "intake", idempotencyKey: "k"))
        #expect(await woken(engine, within: 30))
        #expect(!(await woken(dispatcher, within: 0.5)))
        _ = try await a.transaction { tx in
            try tx.queueAction(
                key: "reply-c", caseID: "c", agent: "lead_qualifier", action: .emailSend, payloadJSON: "{}", at: Date())
        }
        #expect(await woken(dispatcher, within: 30))
        #expect(!(await woken(engine, within: 0.5)))
        // A step read leases the case, the commit finishes the event: no notice.
        _ = try await a.readStep(limit: 10, excluding: [], busyTimes: false, at: Date())
        _ = try await a.transaction { tx in try tx.finishEvent(id, as: .done) }
        #expect(!(await woken(engine, within: 1)))
        #expect(!(await woken(dispatcher, within: 0.1)))
        feed.cancel()
        _ = await feed.result
        await a.close()
        await b.close()
    }
}
