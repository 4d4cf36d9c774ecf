import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// An agent's hour counted rather than read (``SQLiteTransaction/actionWindow(of:after:limit:proposing:)``):
/// for a commit that places at most `proposing` actions, each goes at the same time as with the
/// hour's times read whole, on generated outboxes (actions gone at any time of the hour, deferred
/// ones, limits reached or not) in a real store.
struct CountedActionWindowTests {
    @Test func eachActionGoesWhenTheWholeWindowSays() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-window-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        let now = LeadFlowTests.monday
        var random = SplitMix(seed: 21)
        var counted = 0
        for round in 0..<300 {
            let agent = "agent-\(round)"
            let limit = 1 + random.below(12)
            let went = random.below(14)
            let deferred = random.chance(30)
            let proposing = random.below(8)
            let placements = random.below(proposing + 1)
            let results = try await store.transaction { tx in
                // The hour's actions (and some older ones, which do not count), one maybe deferred.
                for index in 0..<went {
                    let at = now.addingTimeInterval(-Double((index * 7919 + round) % 3500))
                    try tx.queueAction(
                        key: "\(agent)-\(index)", caseID: "c", agent: agent, action: .emailSend, payloadJSON: "{}", at: at)
                    try tx.queueAction(
                        key: "\(agent)-old-\(index)", caseID: "c", agent: agent, action: .emailSend, payloadJSON: "{}",
                        at: now.addingTimeInterval(-3700 - Double(index)))
                }
                if deferred {
                    try tx.deferAction(
                        key: "\(agent)-deferred", caseID: "c", agent: agent, action: .emailSend, payloadJSON: "{}",
                        at: now.addingTimeInterval(-60), goes: now.addingTimeInterval(1800))
                }
                let since = now.addingTimeInterval(-ActionWindow.hour)
                var whole = try tx.actionWindow(of: agent, after: since, limit: limit)
                var window = try tx.actionWindow(of: agent, after: since, limit: limit, proposing: proposing)
                let isCounted = window.times.isEmpty && !whole.times.isEmpty
                let placed = (0..<placements).map { index in
                    let at = now.addingTimeInterval(Double(index))
                    return (whole.place(at: at, limit: limit), window.place(at: at, limit: limit))
                }
                return (placed.map(\.0), placed.map(\.1), isCounted)
            }
            #expect(results.0 == results.1, "round \(round): limit \(limit), \(went) went, proposing \(proposing)")
            counted += results.2 ? 1 : 0
        }
        // Both ways were taken: hours counted, and hours read because the commit could fill them.
        #expect(counted > 50 && counted < 250, "\(counted) of 300 counted")
    }
}
