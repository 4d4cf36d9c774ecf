import BatonTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// A commit's questions read ahead in one hop (``PostgresTransaction/foresee(_:)``) are answered as
/// each would be asked alone, on generated outboxes; the reads that commit in the same hop keep
/// nothing when the transaction had failed.
@Suite("Answers read ahead on PostgreSQL")
struct ForeseenAnswersTests {
    @Test("foreseen action windows, email counts and event ids answer as the questions asked alone; counted windows place as whole ones")
    func foreseenAnswersAreTheOnesAskedAlone() async throws {
        let store = try await PostgresStore.fresh()
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        var random = SplitMix(seed: 77)
        for round in 0..<40 {
            let agents = (0..<(1 + random.below(3))).map { "agent-\(round)-\($0)" }
            let cases = (0..<(1 + random.below(3))).map { "case-\(round)-\($0)" }
            let plan = agents.map { agent in
                (agent, (0..<random.below(8)).map { _ in (random.pick(cases), random.below(5000), random.chance(25)) })
            }
            try await store.transaction { tx in
                for (agent, actions) in plan {
                    for (index, (caseID, ago, deferred)) in actions.enumerated() {
                        let at = now.addingTimeInterval(-Double(ago))
                        if deferred {
                            try tx.deferAction(
                                key: "\(agent)-\(index)", caseID: caseID, agent: agent, action: .emailSend,
                                payloadJSON: "{}", at: at, goes: now.addingTimeInterval(Double(ago)))
                        } else {
                            try tx.queueAction(
                                key: "\(agent)-\(index)", caseID: caseID, agent: agent, action: .emailSend,
                                payloadJSON: "{}", at: at)
                        }
                    }
                }
            }
            let since = now.addingTimeInterval(-ActionWindow.hour)
            let limits = agents.map { _ in 1 + random.below(6) }
            // How many actions the commit places: unknown for some (the window is read whole), else
            // below, at and over what the limit leaves.
            let proposing = agents.map { _ in random.chance(30) ? nil : random.below(8) }
            let windows = zip(agents, zip(limits, proposing)).map {
                CommitForecast.Window(agent: $0, since: since, limit: $1.0, proposing: $1.1)
            }
            let forecast = CommitForecast(windows: windows, emails: true, events: random.below(4))
            // Some agents get an action held before their window is asked: it must count.
            let heldFor = Set(agents.filter { _ in random.chance(30) })
            let ask: @Sendable (any RuntimeTransaction, Mode) throws -> [String] = { tx, mode in
                tx.holdWrites()
                if mode == .foreseen { try tx.foresee { forecast } }
                var answers: [String] = []
                for window in windows {
                    let agent = window.agent
                    if heldFor.contains(agent) {
                        try tx.queueAction(
                            key: "\(agent)-held", caseID: cases[0], agent: agent, action: .emailSend, payloadJSON: "{}",
                            at: now)
                    }
                    guard let count = window.proposing else {
                        let whole = try tx.actionWindow(of: agent, after: since, limit: window.limit)
                        answers.append("\(agent): \(whole.times) \(String(describing: whole.lastDeferred))")
                        continue
                    }
                    // A counted window places the proposed actions as the whole window does.
                    var placing =
                        mode == .whole
                        ? try tx.actionWindow(of: agent, after: since, limit: window.limit)
                        : try tx.actionWindow(of: agent, after: since, limit: window.limit, proposing: count)
                    let goes = (0..<count).map { _ in placing.place(at: now, limit: window.limit) }
                    answers.append("\(agent) placed: \(goes) \(String(describing: placing.lastDeferred))")
                }
                for caseID in cases { answers.append("\(caseID): \(try tx.emailsQueued(caseID: caseID))") }
                let ids = try (0..<forecast.events).map { _ in
                    try tx.insertEvent(
                        EmittedEventRow(
                            type: "t", caseID: cases[0], causationID: 0, payloadJSON: "{}", producer: "p",
                            status: .done, createdAt: now, dueAt: nil))
                }
                answers.append("ids increasing: \(ids == ids.sorted() && Set(ids).count == ids.count)")
                throw Answers(lines: answers)
            }
            // Asked alone, then read ahead, then whole; each rolled back so that all see the same outbox.
            let alone = try await Self.answers(store) { try ask($0, .alone) }
            let foreseen = try await Self.answers(store) { try ask($0, .foreseen) }
            let whole = try await Self.answers(store) { try ask($0, .whole) }
            #expect(foreseen == alone, "round \(round)")
            #expect(whole == alone, "round \(round)")
            #expect(alone.last == "ids increasing: true")
        }
        await store.close()
    }

    @Test("a transaction whose failure was caught inside it is not committed: COMMIT answered ROLLBACK throws")
    func aFailedTransactionIsNeverCommittedSilently() async throws {
        let store = try await PostgresStore.fresh()
        let at = Date(timeIntervalSince1970: 1_780_000_000)
        await #expect(throws: RolledBack.self) {
            try await store.transaction { tx in
                try tx.setCRMScore(caseID: "kept?", score: 1, at: at)
                _ = try? (tx as! PostgresTransaction).run("SELECT 1 / 0")
            }
        }
        #expect(try await store.rows("SELECT case_id FROM crm_lead").isEmpty)
        await store.close()
    }

    /// The answers a transaction gave before it threw them (and so was rolled back).
    struct Answers: Error { let lines: [String] }

    /// How the windows are asked: each when needed (counted first when the placements are known),
    /// all read ahead, or each read whole.
    enum Mode { case alone, foreseen, whole }

    static func answers(_ store: PostgresStore, _ body: @escaping @Sendable (any RuntimeTransaction) throws -> Void)
        async throws -> [String]
    {
        do {
            try await store.transaction(body)
        } catch let answers as Answers {
            return answers.lines
        }
        Issue.record("the transaction did not give its answers")
        return []
    }
}
