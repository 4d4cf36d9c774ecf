import BatonTestSupport
import Blueprint
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Orchestrator

/// A skill that throws on the events of poisoned leads, and otherwise does what `base` does.
/// Poisoning is decided from the lead's intake fields, so it also hits events handed on within a
/// batch; `cured` makes it stop throwing (the fix a person makes before `baton event retry`).
final class PoisonSkill: Skill {
    struct Poisoned: Error, CustomStringConvertible {
        let name: String
        var description: String { "the \(name) skill cannot read this lead" }
    }

    let name: String
    let base: any Skill
    /// The value of the intake field `poison` that makes this skill throw.
    let trigger: String
    let cured: Mutex<Bool>

    init(_ name: String, trigger: String) {
        self.name = name
        base = SkillRegistry.skill(named: name)!
        self.trigger = trigger
        cured = Mutex(false)
    }

    func run(_ input: SkillInput, tools: Tools) async throws -> SkillOutcome {
        let field = input.payload["poison"] ?? input.context["intake"]?["poison"]
        if field == trigger, !cured.withLock({ $0 }) { throw Poisoned(name: name) }
        return try await base.run(input, tools: tools)
    }
}

/// Failure is visible, not infinite: poison events are tried a bounded number of times, dead-lettered
/// with their error, and the rest goes on.
struct DeadLetterTests {
    /// Limits that never bind, so that every lead goes through whatever the batch size.
    static func blueprint() throws -> Blueprint {
        var blueprint = try LeadFlowTests.blueprint()
        for index in blueprint.agents.indices { blueprint.agents[index].limits.actionsPerHour = 10_000 }
        return blueprint
    }

    struct Runtime {
        let store: RuntimeStore
        let engine: Engine
        /// Throws on `lead.received` of leads with `poison: first`.
        let qualifier: PoisonSkill
        /// Throws on `meeting.requested` (handed on within a batch) of leads with `poison: later`.
        let scheduler: PoisonSkill
    }

    static func runtime(maxAttempts: Int = Engine.defaultMaxEventAttempts) throws -> Runtime {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-dead-\(UUID().uuidString)")
            .path
        let store = try RuntimeStore(folder: folder, clock: { LeadFlowTests.monday })
        let blueprint = try Self.blueprint()
        let qualifier = PoisonSkill("lead_qualification", trigger: "first")
        let scheduler = PoisonSkill("scheduling", trigger: "later")
        let skills = SkillRegistry.builtIn.registering(qualifier, as: "lead_qualification")
            .registering(scheduler, as: "scheduling")
        return Runtime(
            store: store,
            engine: Engine(blueprint: blueprint, store: store, skills: skills, maxEventAttempts: maxAttempts),
            qualifier: qualifier, scheduler: scheduler)
    }

    static func lead(_ n: Int, poison: String? = nil) -> [String: Any] {
        var lead = LeadFlowTests.lead
        lead["name"] = "Lead \(n)"
        lead["email"] = "lead\(n)@example.com"
        // A healthy lead says so: a later lead on a case overwrites what the case's intake notes hold.
        lead["poison"] = poison ?? "none"
        return lead
    }

    @Test func aPoisonEventIsDeadLetteredAfterItsTriesAndTheEventsBehindItAreProcessed() async throws {
        let r = try Self.runtime()
        let before = try r.store.submit(
            type: "lead.received", caseID: "lead-1", payload: Self.lead(1), producer: "intake")
        let poison = try r.store.submit(
            type: "lead.received", caseID: "poison", payload: Self.lead(2, poison: "first"), producer: "intake")
        let behind = try r.store.submit(
            type: "lead.received", caseID: "lead-3", payload: Self.lead(3), producer: "intake")
        // Same case, after the poison: it waits its turn, then goes on once the poison is dead.
        let sameCase = try r.store.submit(
            type: "lead.received", caseID: "poison", payload: Self.lead(4), producer: "intake")
        try await r.engine.runUntilIdle()

        let dead = try #require(try r.store.event(poison))
        #expect(dead.status == .dead)
        #expect(dead.attempts == 3)
        #expect(dead.lastError == "the lead_qualification skill cannot read this lead")
        #expect(dead.deadAt == LeadFlowTests.monday)
        for id in [before, behind, sameCase] { #expect(try r.store.event(id)?.status == .done) }
        #expect(try r.store.events().allSatisfy { $0.status == .done || $0.id == poison || $0.dueAt != nil })
        // The healthy leads each got their reply queued; the poison's tries left nothing behind.
        let replies = try r.store.outbox().filter { $0.action == "email.send" }
        #expect(Set(replies.map(\.caseID)) == ["lead-1", "lead-3", "poison"])
        #expect(replies.filter { $0.caseID == "poison" }.count == 1)

        let audit = try r.store.audit(caseID: "poison")
        #expect(audit.filter { $0.kind == "failed" }.count == 2)
        let line = try #require(audit.first { $0.kind == "dead" })
        #expect(
            line.detail
                == "dead-lettered: the lead_qualification skill cannot read this lead (lead.received #\(poison) failed 3 times; `baton event retry \(poison)` puts it back)"
        )
        // The later event of the case ran only after the poison was dead: order within a case holds.
        let deadAt = try #require(audit.firstIndex { $0.kind == "dead" })
        let laterRan = try #require(audit.firstIndex { $0.kind == "skill" })
        #expect(deadAt < laterRan)
        #expect(try r.store.deadEvents().map(\.id) == [poison])
    }

    @Test func aHandedOnEventThatFailsIsKeptPendingThenDeadNotLost() async throws {
        let r = try Self.runtime(maxAttempts: 2)
        let first = try r.store.submit(
            type: "lead.received", caseID: "later", payload: Self.lead(1, poison: "later"), producer: "intake")
        try await r.engine.runUntilIdle()
        #expect(try r.store.event(first)?.status == .done)
        let dead = try r.store.deadEvents()
        #expect(dead.map(\.type) == ["meeting.requested"])
        #expect(dead.first?.attempts == 2)
        #expect(dead.first?.lastError == "the scheduling skill cannot read this lead")
        // What came before the failing step stays; the failing step's effects were rolled back.
        #expect(try r.store.context(caseID: "later").notes["lead_qualifier"] != nil)
        #expect(try r.store.context(caseID: "later").notes["scheduler"] == nil)
        #expect(try r.store.outbox().filter { $0.action == "email.send" }.isEmpty)

        // Cured, put back: it runs as if it had just arrived.
        r.scheduler.cured.withLock { $0 = true }
        let id = try #require(dead.first?.id)
        let back = try r.store.retryDeadEvent(id)
        #expect(back.status == .pending && back.attempts == 0 && back.lastError == nil)
        #expect(try r.store.audit(caseID: "later").last?.kind == "retried")
        try await r.engine.runUntilIdle()
        #expect(try r.store.event(id)?.status == .done)
        #expect(try r.store.deadEvents().isEmpty)
        #expect(try r.store.outbox().filter { $0.action == "email.send" }.count == 1)
    }

    @Test func retryRefusesUnknownAndLivingEventsWithAReason() async throws {
        let r = try Self.runtime()
        let id = try r.store.submit(type: "lead.received", caseID: "lead-1", payload: Self.lead(1), producer: "intake")
        #expect(throws: EventRetryError.self) { try r.store.retryDeadEvent(999) }
        do {
            try r.store.retryDeadEvent(999)
        } catch {
            #expect("\(error)".hasPrefix("no event 999"))
        }
        do {
            try r.store.retryDeadEvent(id)
            Issue.record("a pending event was put back")
        } catch {
            #expect("\(error)".hasPrefix("event \(id) is pending, not dead"))
        }
        try await r.engine.runUntilIdle()
        #expect(throws: EventRetryError.self) { try r.store.retryDeadEvent(id) }
        #expect(try r.store.event(id)?.status == .done)
    }

    /// Hundreds of generated batches: poison at the head, in the middle, handed on; batch sizes from
    /// one event; 1 to 5 tries. Every event ends done or dead (never pending, never tried forever),
    /// each poison after exactly its tries, and every healthy lead gets its reply.
    @Test func everyEventEndsDoneOrDeadWhateverTheMix() async throws {
        var rng = SplitMix(seed: 12)
        for round in 0..<150 {
            let maxAttempts = Int.random(in: 1...5, using: &rng)
            let r = try Self.runtime(maxAttempts: maxAttempts)
            var kinds: [Int64: String?] = [:]
            var healthyCases: Set<String> = []
            for n in 0..<Int.random(in: 1...7, using: &rng) {
                let poison = [nil, nil, "first", "later"].randomElement(using: &rng)!
                // A lead poisoned further on has a case of its own: the test skill finds it by the
                // case's intake notes, which a later lead on the same case would overwrite.
                let caseID = poison == "later" ? "later-\(n)" : "case-\(Int.random(in: 0...3, using: &rng))"
                let id = try r.store.submit(
                    type: "lead.received", caseID: caseID, payload: Self.lead(n, poison: poison), producer: "intake")
                kinds[id] = poison
                if poison == nil { healthyCases.insert(caseID) }
            }
            let batch = Int.random(in: 1...4, using: &rng)
            var rounds = 0
            while try await r.engine.processBatch(limit: batch) > 0 {
                rounds += 1
                #expect(rounds < 1000, "round \(round): still processing")
                if rounds >= 1000 { break }
            }
            // Follow-ups due days later wait as they should; every event due now is done or dead.
            let events = try r.store.events().filter { $0.dueAt == nil }
            #expect(
                events.allSatisfy { $0.status == .done || $0.status == .dead },
                "round \(round): \(events.map { "\($0.id!) \($0.caseID) \($0.type) \($0.status) \($0.attempts)" })")
            for event in events {
                if event.status == .dead {
                    #expect(event.attempts == maxAttempts, "round \(round)")
                    #expect(event.lastError?.hasSuffix("skill cannot read this lead") == true)
                    if event.type == "lead.received" {
                        #expect(kinds[event.id!] == "first", "round \(round)")
                    } else {
                        #expect(event.type == "meeting.requested", "round \(round)")
                    }
                } else {
                    #expect(
                        event.attempts == 0,
                        "round \(round): \(events.map { "\($0.id!) \($0.caseID) \($0.type) \($0.status) \($0.attempts) \(kinds[$0.id!].map { $0 ?? "-" } ?? "")" })"
                    )
                    if event.type == "lead.received" { #expect(kinds[event.id!] != "first", "round \(round)") }
                }
            }
            #expect(
                events.filter { $0.status == .dead }.count
                    == kinds.values.filter { $0 != nil }.count, "round \(round): one dead letter per poisoned lead")
            let replied = Set(try r.store.outbox().filter { $0.action == "email.send" }.map(\.caseID))
            #expect(healthyCases.isSubset(of: replied), "round \(round)")
            let deadLines = try r.store.audit().filter { $0.kind == "dead" }.count
            #expect(deadLines == events.filter { $0.status == .dead }.count)
        }
    }

    @Test func metricsCountDeadLettersAsAGaugeAndTotalsAsCounters() async throws {
        let r = try Self.runtime()
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: Self.lead(1), producer: "intake")
        let poison = try r.store.submit(
            type: "lead.received", caseID: "poison", payload: Self.lead(2, poison: "first"), producer: "intake")
        try await r.engine.runUntilIdle()
        let text = try await RuntimeMetrics.prometheus(r.store)
        #expect(text.contains("# TYPE baton_dead_letters gauge\nbaton_dead_letters 1\n"))
        #expect(text.contains("baton_events{status=\"dead\"} 1\n"))
        let stored = try r.store.events().count
        #expect(text.contains("# TYPE baton_events_total counter\nbaton_events_total \(stored)\n"))
        // Only totals are counters, and a total carries no status that could move back.
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ") }
        for type in types where type[3] == "counter" { #expect(type[2].hasSuffix("_total"), "\(type)") }
        for type in types where type[2].hasSuffix("_total") { #expect(type[3] == "counter", "\(type)") }
        #expect(!text.contains("_total{status="))
        #expect(!text.contains("outcome=\"queued\""))
        for family in ["baton_events", "baton_actions", "baton_approvals_pending", "baton_queue_depth"] {
            #expect(text.contains("# TYPE \(family) gauge\n"), "\(family)")
        }
        // Put back, the gauge goes down.
        try r.store.retryDeadEvent(poison)
        #expect(try await RuntimeMetrics.prometheus(r.store).contains("baton_dead_letters 0\n"))
    }

    @Test func theDailyReportListsTheDaysDeadLetters() async throws {
        let r = try Self.runtime()
        let poison = try r.store.submit(
            type: "lead.received", caseID: "poison", payload: Self.lead(2, poison: "first"), producer: "intake")
        try await r.engine.runUntilIdle()
        let report = try await DailyReport(r.store, blueprint: try Self.blueprint(), day: LeadFlowTests.monday)
        #expect(
            report.deadLetters == [
                "poison: lead.received #\(poison) failed 3 times: the lead_qualification skill cannot read this lead (`baton event retry \(poison)`)"
            ])
        #expect(report.markdown.contains("## Dead letters\n- poison: lead.received #\(poison) failed 3 times"))
        let nextDay = try await DailyReport(
            r.store, blueprint: try Self.blueprint(), day: LeadFlowTests.monday.addingTimeInterval(86400))
        #expect(nextDay.deadLetters.isEmpty)
        #expect(nextDay.markdown.hasSuffix("## Dead letters\n- none\n"))
    }
}
