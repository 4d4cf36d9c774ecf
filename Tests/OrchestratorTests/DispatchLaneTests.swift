import BatonTestSupport
import Blueprint
import Foundation
import GRDB
import Testing

@testable import Orchestrator

/// The dispatcher's lanes split the outbox: every queued action is in exactly one lane, whatever
/// its kind, so lanes that run side by side never dispatch the same item.
struct DispatchLaneTests {
    @Test func everyActionIsInExactlyOneLane() async throws {
        let store = try RuntimeStore(
            folder: FileManager.default.temporaryDirectory.appendingPathComponent("baton-lanes-\(UUID().uuidString)")
                .path, clock: { LeadFlowTests.monday })
        var rng = SplitMix(seed: 7)
        let strange = (0..<40).map { _ in
            ActionKind(
                String(
                    (0..<Int.random(in: 1...12, using: &rng)).map { _ in "ab.c_ZÉ\u{7}".randomElement(using: &rng)! }))
        }
        let kinds = ActionKind.known + [ApprovalNotice.action, WebhookSubscriptions.action] + strange
        try await store.database.write { db in
            for (index, kind) in kinds.enumerated() {
                try RuntimeStore.queueAction(
                    db, key: "k\(index)", caseID: "c", agent: "a", action: kind, payloadJSON: "{}",
                    at: LeadFlowTests.monday)
            }
        }
        var seen: [Int64: DispatchLane] = [:]
        for lane in DispatchLane.allCases {
            let ids = try await store.dueActions(limit: 10_000, lane: lane, at: .distantFuture)
            for item in ids {
                #expect(seen[item.id!] == nil, "\(item.action) is in \(seen[item.id!]!) and \(lane)")
                seen[item.id!] = lane
            }
        }
        #expect(seen.count == kinds.count)
        let lane = { (kind: ActionKind) in seen[Int64(kinds.firstIndex(of: kind)! + 1)] }
        #expect(lane(.emailSend) == .email && lane(.complaintReply) == .email && lane(ApprovalNotice.action) == .email)
        #expect(lane(.calendarBook) == .calendar)
        #expect(lane(.crmUpdate) == .other && lane(WebhookSubscriptions.action) == .other)
    }
}
