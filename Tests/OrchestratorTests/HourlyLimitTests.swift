import BatonTestSupport
import Blueprint
import Foundation
import Synchronization
import Testing

@testable import Orchestrator

/// `limits.actions_per_hour`: an agent over its limit has its actions deferred to the next hour, in
/// the outbox, and the owner is told once; nothing waits for a person that would not otherwise.
/// On the plumbing contractor's blueprint, in process, on an injected clock that the tests move.
struct HourlyLimitTests {
    final class Clock: Sendable {
        let time = Mutex(LeadFlowTests.monday)
        var now: Date {
            get { time.withLock { $0 } }
            set { time.withLock { $0 = newValue } }
        }
    }

    struct Runtime {
        let store: RuntimeStore
        let engine: Engine
        let dispatcher: Dispatcher
        let clock: Clock
        let blueprint: Blueprint
    }

    /// The plumbing blueprint with an owner's address, every agent limited to `limit` an hour.
    static func runtime(limit: Int? = nil, _ change: (inout Blueprint) -> Void = { _ in }) throws -> Runtime {
        var b = try LeadFlowTests.blueprint()
        b.connectors.email.settings["people"] = .map(["owner": .string("dana@bowriver.example")])
        if let limit { for index in b.agents.indices { b.agents[index].limits.actionsPerHour = limit } }
        change(&b)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-limits-\(UUID().uuidString)")
            .path
        let clock = Clock()
        let store = try RuntimeStore(folder: folder, clock: { clock.now })
        return Runtime(
            store: store, engine: Engine(blueprint: b, store: store),
            dispatcher: Dispatcher(store: store, blueprint: b, emailFolder: folder + "/outbox", from: "o@example.com"),
            clock: clock, blueprint: b)
    }

    static func lead(_ n: Int) -> [String: Any] {
        var lead = LeadFlowTests.lead
        lead["email"] = "lead\(n)@example.com"
        return lead
    }

    /// Leads arriving at `arrivals` (seconds after the start), processed and dispatched as they come;
    /// then the clock moves to each deferred action's time, when the dispatcher sends it.
    static func run(_ r: Runtime, arrivals: [TimeInterval]) async throws {
        let start = r.clock.now
        var pending = arrivals.sorted().enumerated().map { (n: $0.offset, at: start.addingTimeInterval($0.element)) }
        while true {
            let deferred = try await r.store.nextDeferred()
            guard let next = [pending.first?.at, deferred].compactMap({ $0 }).min() else { return }
            r.clock.now = max(r.clock.now, next)
            while let first = pending.first, first.at <= r.clock.now {
                try r.store.submit(
                    type: "lead.received", caseID: "lead-\(first.n)", payload: lead(first.n), producer: "intake")
                pending.removeFirst()
            }
            try await r.engine.runUntilIdle()
            while try await r.dispatcher.dispatch() > 0 {}
        }
    }

    /// Every agent's sent actions, by agent, in the order they were sent.
    static func sentTimes(_ r: Runtime) throws -> [String: [Date]] {
        var times: [String: [Date]] = [:]
        for item in try r.store.outbox() where item.agent != ApprovalNotice.sender {
            #expect(item.status == .sent, "\(item.idempotencyKey) is \(item.status)")
            if let sent = item.sentAt { times[item.agent, default: []].append(sent) }
        }
        return times.mapValues { $0.sorted() }
    }

    /// At most `limit` in any rolling hour: the `k`-th and the `k + limit`-th are an hour apart.
    static func holds(_ times: [Date], limit: Int) -> Bool {
        times.indices.dropLast(limit).allSatisfy { times[$0 + limit].timeIntervalSince(times[$0]) >= 3600 }
    }

    @Test func aBurstOf120LeadsInAMinuteIsAnsweredWithinTheLimitAndOneNoticePerAgent() async throws {
        let r = try Self.runtime()
        // 120 leads in a minute, processed as they come: two a second.
        let arrivals = (0..<120).map { Double($0) / 2 }
        let start = r.clock.now
        for (n, at) in arrivals.enumerated() {
            r.clock.now = start.addingTimeInterval(at)
            try r.store.submit(type: "lead.received", caseID: "lead-\(n)", payload: Self.lead(n), producer: "intake")
            if n % 10 == 9 {
                try await r.engine.runUntilIdle()
                while try await r.dispatcher.dispatch() > 0 {}
            }
        }
        // Before the time moves on: deferred, visible with the time each goes.
        let outbox = try r.store.outbox()
        let agents = Set(outbox.map(\.agent)).subtracting([ApprovalNotice.sender])
        #expect(agents.count >= 2, "the flow should reach several agents: \(agents)")
        for agent in agents {
            let mine = outbox.filter { $0.agent == agent }
            #expect(mine.filter { $0.status == .sent }.count == 30, "\(agent)")
            #expect(mine.filter { $0.status == .deferred }.count == mine.count - 30, "\(agent)")
        }
        #expect(try r.store.approvals().isEmpty, "nothing over the limit waits for a person")
        let deferredCase = try #require(outbox.first { $0.status == .deferred }?.caseID)
        let line = try #require(try r.store.audit(caseID: deferredCase).first { $0.kind == .deferred })
        #expect(line.detail.contains(" goes at 2026-03-02T"), "\(line.detail)")
        let report = try await DailyReport.markdown(r.store, blueprint: r.blueprint, day: r.clock.now)
        #expect(report.contains("## Deferred by hourly limits"))
        #expect(
            report.contains(
                "lead_qualifier (limit 30 actions an hour): 90 deferred in this period; 90 crm.update still deferred, going from 2026-03-02 10:00"
            ), "\(report)")
        let metrics = try await RuntimeMetrics.prometheus(r.store)
        #expect(metrics.contains("baton_actions{action=\"crm.update\",status=\"deferred\"} 90\n"), "\(metrics)")
        #expect(metrics.contains("baton_actions{action=\"crm.update\",status=\"sent\"} 30\n"), "\(metrics)")
        #expect(metrics.contains("baton_deferred_until_seconds{agent=\"lead_qualifier\"}"))

        // Then the hours pass: every deferred action goes at its time.
        try await Self.run(r, arrivals: [])
        let sent = try Self.sentTimes(r)
        for (agent, times) in sent {
            #expect(times.count == 120, "\(agent): \(times.count) sent")
            #expect(Self.holds(times, limit: 30), "\(agent) sent more than 30 in an hour")
            // Four windows: the burst's hour and three more.
            #expect(Set(times.map { Int($0.timeIntervalSince(start) / 3600) }) == [0, 1, 2, 3], "\(agent)")
        }
        // One notice per agent, to the owner; no approval at all.
        let notices = try r.store.outbox().filter { $0.idempotencyKey.hasPrefix("limit-") }
        #expect(notices.count == agents.count, "\(notices.map(\.idempotencyKey))")
        #expect(notices.allSatisfy { $0.payloadJSON.contains("dana@bowriver.example") && $0.status == .sent })
        let limited = try r.store.audit().filter { $0.kind == .limited }
        #expect(limited.count == agents.count)
        #expect(Set(limited.compactMap(\.agent)) == agents)
        #expect(try r.store.approvals().isEmpty)
        #expect(try await r.store.nextDeferred() == nil)
    }

    @Test func aHighStakesActionStillWaitsForApprovalOverTheLimit() async throws {
        let r = try Self.runtime(limit: 1) { b in
            let index = b.agents.firstIndex { $0.id == "follow_up_drafter" }!
            b.agents[index].permissions.append("contracts.send")
        }
        for n in 0..<3 {
            var lead = Self.lead(n)
            lead["message"] = "Please send the contract."
            try r.store.submit(type: "lead.received", caseID: "lead-\(n)", payload: lead, producer: "intake")
        }
        try await r.engine.runUntilIdle()
        let approvals = try r.store.approvals()
        #expect(approvals.map(\.action).sorted() == Array(repeating: "contract.send", count: 3))
        // The rest over the limit is deferred, not escalated.
        #expect(approvals.allSatisfy { $0.action.isHighStakes })
        #expect(try r.store.outbox().contains { $0.status == .deferred })
    }

    /// The dispatcher's timer wakes it when a deferred action's time comes, not a poll: its fallback
    /// poll is an hour here, and the action is half a second from its time (on the runtime's clock).
    @Test func theDispatcherWakesAtTheTimeADeferredActionGoes() async throws {
        final class Offset: Sendable { let seconds = Mutex(0.0) }
        let offset = Offset()
        var b = try LeadFlowTests.blueprint()
        for index in b.agents.indices { b.agents[index].limits.actionsPerHour = 1 }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-limits-\(UUID().uuidString)")
            .path
        let store = try RuntimeStore(folder: folder) { Date().addingTimeInterval(offset.seconds.withLock { $0 }) }
        let dispatcher = Dispatcher(store: store, blueprint: b, emailFolder: folder + "/outbox", from: "o@example.com")
        for n in 0..<2 {
            try store.submit(type: "lead.received", caseID: "lead-\(n)", payload: Self.lead(n), producer: "intake")
        }
        try await Engine(blueprint: b, store: store).runUntilIdle()
        try await dispatcher.dispatch()
        let goes = try #require(try await store.nextDeferred())
        offset.seconds.withLock { $0 = goes.timeIntervalSinceNow - 0.5 }
        let service = DispatcherService(dispatcher: dispatcher, fallback: .seconds(3600))
        let running = Task { try await service.run() }
        defer { running.cancel() }
        // A generous bound for a timer of half a second; without the timer, nothing for an hour.
        _ = try await eventually(every: .milliseconds(50)) { try store.outbox().allSatisfy { $0.status == .sent } }
        let outbox = try store.outbox()
        #expect(outbox.allSatisfy { $0.status == .sent }, "\(outbox.map { "\($0.idempotencyKey): \($0.status)" })")
        #expect(outbox.filter { ($0.sentAt ?? .distantPast) >= goes }.count == outbox.count / 2)
    }

    @Test(arguments: 0..<12)
    func generatedBurstsKeepTheCapAndLoseOrRepeatNothing(seed: Int) async throws {
        var random = SplitMix(seed: UInt64(seed) &* 7919 &+ 17)
        let limit = Int.random(in: 1...12, using: &random)
        let size = Int.random(in: 1...60, using: &random)
        let spread = Double.random(in: 0...(3 * 3600), using: &random)
        let arrivals = (0..<size).map { _ in Double.random(in: 0...spread, using: &random).rounded() }
        let r = try Self.runtime(limit: limit)
        try await Self.run(r, arrivals: arrivals)
        let outbox = try r.store.outbox()
        let sent = try Self.sentTimes(r)
        for (agent, times) in sent {
            #expect(Self.holds(times, limit: limit), "seed \(seed): \(agent) over \(limit) an hour")
        }
        // Every lead's actions, each once: the same kinds per case as the first lead's.
        let kinds = { (caseID: String) in
            outbox.filter { $0.caseID == caseID && $0.agent != ApprovalNotice.sender }.map {
                "\($0.agent) \($0.action)"
            }
            .sorted()
        }
        let expected = kinds("lead-0")
        #expect(!expected.isEmpty)
        for n in 0..<size { #expect(kinds("lead-\(n)") == expected, "seed \(seed): lead-\(n)") }
        let sentLines = try r.store.audit().filter { $0.kind == .sent }.map(\.detail)
        #expect(Set(sentLines).count == sentLines.count, "seed \(seed): an action sent twice")
        #expect(try r.store.approvals().isEmpty)
        // At most one notice per agent and clock hour.
        let notices = outbox.filter { $0.idempotencyKey.hasPrefix("limit-") }
        #expect(Set(notices.map(\.idempotencyKey)).count == notices.count)
    }

    @Test(arguments: 0..<500)
    func theWindowNeverHoldsMoreThanItsLimit(seed: Int) {
        var random = SplitMix(seed: UInt64(seed) &+ 1)
        let limit = Int.random(in: 1...40, using: &random)
        var window = ActionWindow(times: [], lastDeferred: nil)
        var now = LeadFlowTests.monday
        var placed: [Date] = []
        var lastDeferred: Date?
        for _ in 0..<Int.random(in: 1...300, using: &random) {
            // Bursts and lulls: often the same second, sometimes hours later.
            now = now.addingTimeInterval(
                Bool.random(using: &random) ? 0 : Double.random(in: 0...(2 * 3600), using: &random).rounded())
            let goes = window.place(at: now, limit: limit)
            #expect(goes >= now)
            // Nothing deferred jumps the queue: deferred actions go in the order they came.
            if let last = placed.last, goes > now { #expect(goes >= last) }
            // And it waits no longer than it must: until the hour's `limit`-th action is an hour
            // old, or until the action deferred before it goes.
            if goes > now {
                let earlier = placed.sorted()
                let full = earlier.count >= limit ? earlier[earlier.count - limit].addingTimeInterval(3600) : nil
                #expect(goes == full || goes == lastDeferred, "seed \(seed): waits longer than it must")
                lastDeferred = goes
            }
            placed.append(goes)
        }
        #expect(Self.holds(placed.sorted(), limit: limit), "seed \(seed), limit \(limit)")
    }
}
