import BatonTestSupport
import Blueprint
import Foundation
import Synchronization
import Testing

@testable import Orchestrator

/// A language model that answers after a delay, counting the calls in flight at once. With
/// `gathering`, a call instead waits until that many are in flight (looking every 10 ms, at most
/// `delay` / 10 ms times: counted, not timed, since a loaded machine may resume a task minutes
/// late), so a test of concurrency does not depend on how soon each task starts; once one call has
/// waited in vain, the others stop waiting.
final class SlowModel: LanguageModel {
    let delay: Duration
    let answer: String
    let gathering: Int?
    let inFlight = Mutex(0)
    let mostAtOnce = Mutex(0)
    private let gaveUp = Mutex(false)

    init(delay: Duration, gathering: Int? = nil, answer: String = #"{"draft": "Happy to help with the heater."}"#) {
        self.delay = delay
        self.gathering = gathering
        self.answer = answer
    }

    func complete(system: String, user: String) async throws -> String {
        let now = inFlight.withLock {
            $0 += 1; return $0
        }
        mostAtOnce.withLock { $0 = max($0, now) }
        defer { inFlight.withLock { $0 -= 1 } }
        guard let gathering else {
            try await Task.sleep(for: delay)
            return answer
        }
        var looks = delay / .milliseconds(10)
        while mostAtOnce.withLock({ $0 }) < gathering && !gaveUp.withLock({ $0 }) {
            guard looks > 0 else {
                gaveUp.withLock { $0 = true }
                break
            }
            looks -= 1
            try await Task.sleep(for: .milliseconds(10))
        }
        return answer
    }
}

/// The pure step: skills run on a snapshot, without a database, and what they decide is data.
struct CaseStepTests {
    static let monday = LeadFlowTests.monday

    static func step(
        _ blueprint: Blueprint, models: [String: LanguageModel] = [:], skills: SkillRegistry = .builtIn,
        timeout: Duration = .seconds(60)
    ) -> CaseStep {
        CaseStep(blueprint: blueprint, skills: skills, models: models, skillTimeout: timeout, handOnLimit: 64)
    }

    static func lead(_ id: Int64, case caseID: String, _ fields: [String: String] = [:]) -> EventRecord {
        var payload: [String: Any] = LeadFlowTests.lead
        for (key, value) in fields { payload[key] = value }
        return EventRecord(
            id: id, type: "lead.received", caseID: caseID, causationID: nil,
            payloadJSON: String(
                decoding: try! JSONSerialization.data(withJSONObject: payload, options: .sortedKeys), as: UTF8.self),
            producer: "intake", idempotencyKey: nil, status: .pending, createdAt: monday, dueAt: nil)
    }

    static func calendar(_ blueprint: Blueprint) -> StepCalendar {
        StepCalendar(blueprint: blueprint, busy: [], now: monday)
    }

    @Test func aLeadGoesThroughEveryAgentInOneStepAndTheOutcomeIsData() async throws {
        let blueprint = try LeadFlowTests.blueprint()
        let snapshot = CaseSnapshot(caseID: "a", events: [Self.lead(1, case: "a")], notes: [:], version: 0)
        let outcome = await Self.step(blueprint).run(snapshot, now: Self.monday, calendar: Self.calendar(blueprint))
        // lead.received, then the three handed on: lead.qualified, meeting.requested, times.offered.
        #expect(
            outcome.steps.map(\.event.type) == [
                "lead.received", "lead.qualified", "meeting.requested", "times.offered",
            ])
        #expect(outcome.steps.first?.origin == .stored(1))
        #expect(outcome.writes == 4)
        #expect(outcome.notes["intake"]?["email"] == "dana@example.com")
        #expect(outcome.emitted.contains { $0.type == "followup.due" && !$0.handedOn && $0.dueAt != nil })
        // The same snapshot gives the same outcome: no clock, no database, no randomness.
        let again = await Self.step(blueprint).run(snapshot, now: Self.monday, calendar: Self.calendar(blueprint))
        #expect(again.steps.map(\.event.type) == outcome.steps.map(\.event.type))
        #expect(again.notes == outcome.notes)
    }

    @Test func casesWaitOnTheirModelTogetherNotOneAfterAnother() async throws {
        let blueprint = try LeadFlowTests.blueprint()
        let drafter = try #require(blueprint.agents.firstIndex { $0.skill == "follow_up_drafting" })
        // Each call waits until all twenty are in flight (or 60 s, were they run one after another).
        let model = SlowModel(delay: .seconds(60), gathering: 20)
        let store = try RuntimeStore(
            folder: FileManager.default.temporaryDirectory.appendingPathComponent("baton-step-\(UUID().uuidString)")
                .path, clock: { Self.monday })
        let engine = Engine(blueprint: blueprint, store: store, models: [blueprint.agents[drafter].id: model])
        for n in 0..<20 {
            try store.submit(
                type: "lead.received", caseID: "lead-\(n)", payload: LeadFlowTests.lead, producer: "intake")
        }
        #expect(try await engine.processBatch(limit: 256) == 80)
        // All twenty waited on the model at the same time; none waited inside a transaction.
        #expect(model.mostAtOnce.withLock { $0 } == 20)
        let drafts = try store.audit().filter { $0.agent == blueprint.agents[drafter].id && $0.kind == "skill" }
        #expect(drafts.count == 20)
        #expect(try store.outbox().filter { $0.action == "email.send" }.count == 20)
    }

    @Test func aSkillPastItsTimeFailsItsEventAndTheCaseStopsThere() async throws {
        let blueprint = try LeadFlowTests.blueprint()
        let drafter = try #require(blueprint.agents.firstIndex { $0.skill == "follow_up_drafting" })
        let step = Self.step(
            blueprint, models: [blueprint.agents[drafter].id: SlowModel(delay: .seconds(30))],
            timeout: .milliseconds(100))
        let snapshot = CaseSnapshot(
            caseID: "a", events: [Self.lead(1, case: "a"), Self.lead(2, case: "a")], notes: [:], version: 3)
        let outcome = await step.run(snapshot, now: Self.monday, calendar: Self.calendar(blueprint))
        // lead 1 and lead 2 ran, lead 1's lead.qualified timed out in the drafter: the step stops there.
        guard case .failed(let message) = try #require(outcome.steps.last).result else {
            Issue.record("the last step did not fail: \(outcome.steps.map(\.event.type))")
            return
        }
        #expect(message.contains("took longer than"))
        #expect(outcome.steps.last?.event.type == "lead.qualified")
        // What the failed event emitted is gone; what was handed on but not run yet waits, stored.
        #expect(outcome.emitted.allSatisfy { !$0.handedOn || $0.type == "lead.qualified" })
        #expect(outcome.version == 3)
        // The notes of the events that ran, not those of the agents that ran before the failure.
        #expect(outcome.writes == 2 && outcome.contextJSON == StringMapJSON.encode(outcome.notes))
    }

    /// The context's text reuses each agent's notes as its audit line wrote them: over generated
    /// cases (notes from before, leads of other fields, several events) it is the notes' text whole.
    @Test func theContextsTextIsTheNotesWrittenWhole() async throws {
        let blueprint = try LeadFlowTests.blueprint()
        var random = SplitMix(state: 0xC0_27E7)
        let keys = ["intake", "summary", "draft"] + blueprint.agents.map(\.id)
        let values = ["", "Dana", "a \"quote\"", "line\nbreak", "東京 🙂", "$2,500 budget in Calgary T2P 1J9"]
        for n in 0..<100 {
            var before: [String: [String: String]] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                before[keys.randomElement(using: &random)!] = [
                    keys.randomElement(using: &random)!: values.randomElement(using: &random)!
                ]
            }
            let leads = (0..<Int.random(in: 1...3, using: &random)).map { index in
                Self.lead(
                    Int64(index + 1), case: "c\(n)",
                    ["message": values.randomElement(using: &random)!, "budget": values.randomElement(using: &random)!])
            }
            let snapshot = CaseSnapshot(caseID: "c\(n)", events: leads, notes: before, version: 1)
            let outcome = await Self.step(blueprint).run(snapshot, now: Self.monday, calendar: Self.calendar(blueprint))
            #expect(outcome.writes > 0)
            #expect(outcome.contextJSON == StringMapJSON.encode(outcome.notes), "case \(n)")
        }
    }

    @Test func aSecondOverrideOfTheSameApprovalInOneStepIsRefused() async throws {
        let blueprint = try LeadFlowTests.blueprint()
        let agent = blueprint.agents[0]
        let original = ApprovalRecord(
            id: 7, caseID: "a", agent: agent.id, action: "email.send",
            proposedJSON: #"{"to":"dana@example.com","subject":"Hi","body":"Hello"}"#, reason: "first contact",
            status: .overridden, createdAt: Self.monday, approvedJSON: nil, decision: nil, decidedAt: nil)
        func override(_ id: Int64) -> EventRecord {
            EventRecord(
                id: id, type: Engine.overrideEvent, caseID: "a", causationID: nil,
                payloadJSON: #"{"approval":"7","instructions":"say thanks"}"#, producer: Approvals.producer,
                idempotencyKey: nil, status: .pending, createdAt: Self.monday, dueAt: nil)
        }
        var snapshot = CaseSnapshot(caseID: "a", events: [override(1), override(2)], notes: [:], version: 1)
        snapshot.overridden[7] = original
        let outcome = await Self.step(blueprint).run(snapshot, now: Self.monday, calendar: Self.calendar(blueprint))
        guard case .revised(let revision, _) = outcome.steps[0].result, case .refused = outcome.steps[1].result else {
            Issue.record("expected one revision then a refusal: \(outcome.steps.map(\.result))")
            return
        }
        #expect(revision.revises == 7)
    }
}

/// The clock's jobs, as a pure schedule.
struct ScheduleTests {
    @Test func eachJobRunsAtItsIntervalAndAJumpRunsItOnce() {
        let start = Date(timeIntervalSince1970: 1_000_000)
        var schedule = Schedule(
            intervals: [.approvalTimeouts: 15, .calendarRefresh: 600, .dailyReport: 15], start: start)
        #expect(schedule.take(at: start) == [.calendarRefresh, .approvalTimeouts, .dailyReport])
        #expect(schedule.take(at: start.addingTimeInterval(14)) == [])
        #expect(schedule.nextDue == start.addingTimeInterval(15))
        #expect(schedule.take(at: start.addingTimeInterval(15)) == [.approvalTimeouts, .dailyReport])
        // The clock jumps an hour: each job runs once, then keeps its interval from there.
        let later = start.addingTimeInterval(3600)
        #expect(schedule.take(at: later) == [.calendarRefresh, .approvalTimeouts, .dailyReport])
        #expect(schedule.nextDue == later.addingTimeInterval(15))
        #expect(Schedule(intervals: [.calendarRefresh: 0], start: start).nextDue == nil)
    }

    @Test(arguments: 0..<50) func overGeneratedClocksNoJobRunsEarlyOrIsSkipped(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let intervals: [Schedule.Job: TimeInterval] = [
            .approvalTimeouts: Double.random(in: 1...60, using: &rng),
            .calendarRefresh: Double.random(in: 1...600, using: &rng),
        ]
        var schedule = Schedule(intervals: intervals, start: start)
        var last: [Schedule.Job: Date] = [:]
        var now = start
        for _ in 0..<200 {
            for job in schedule.take(at: now) {
                if let previous = last[job] { #expect(now.timeIntervalSince(previous) >= intervals[job]!) }
                last[job] = now
            }
            for (job, due) in schedule.due { #expect(due > now, "\(job) is due in the past after take") }
            now = now.addingTimeInterval(Double.random(in: 0...120, using: &rng))
        }
    }
}

/// The wake-up services wait on.
struct WakeupTests {
    @Test func aSignalBeforeTheWaitIsKeptAndManyCollapseIntoOne() async {
        let wakeup = Wakeup()
        wakeup.signal()
        wakeup.signal()
        #expect(await wakeup.wait(upTo: .seconds(600)) == .signalled)
        // The two signals were one: the next wait runs to its timeout.
        let clock = ContinuousClock()
        var second = Wakeup.Ending.signalled
        let waited = await clock.measure { second = await wakeup.wait(upTo: .milliseconds(200)) }
        #expect(second == .timedOut && waited >= .milliseconds(200))
    }

    /// Judged by why each wait ended, not by how long it took: in the full suite a resumed task may
    /// wait minutes for one of the two cooperative threads.
    @Test func aSignalWakesAWaiterAndCancellationEndsAWait() async {
        let wakeup = Wakeup()
        let waiter = Task { await wakeup.wait(upTo: .seconds(600)) }
        try? await Task.sleep(for: .milliseconds(50))
        wakeup.signal()
        #expect(await waiter.value == .signalled)
        let cancelled = Task { await Wakeup().wait(upTo: .seconds(600)) }
        cancelled.cancel()
        #expect(await cancelled.value == .cancelled)
        #expect(await Wakeup().wait(upTo: .milliseconds(20)) == .timedOut)
    }
}
