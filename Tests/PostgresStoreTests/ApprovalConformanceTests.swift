import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// The approvals as a person decides them, the same on both stores: pages, kinds, summaries,
/// single and bulk decisions, overrides and the timeout steps.
@Suite("Approval conformance", .serialized)
struct ApprovalConformanceTests {
    /// The plumbing blueprint, the first reply to a lead waiting for the owner, reminded after an hour.
    static func blueprint() throws -> Blueprint {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        var blueprint = try BlueprintFile.load(
            path: root.appendingPathComponent("Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml").path)
        blueprint.approvals.append(
            ApprovalRule(
                action: "email.send", when: "first_contact", approver: "owner",
                timeout: Timeout(after: "1h", then: "escalate", to: "staff")))
        blueprint.connectors.email.settings["people"] = .map([
            "owner": .string("dana@bowriver.example"), "staff": .string("sam@bowriver.example"),
        ])
        return blueprint
    }

    /// `count` pending approvals of generated agents, actions, reasons and evidence; their ids.
    static func seed(_ store: any RuntimeStorage, count: Int, at now: Date) async throws -> [Int64] {
        var random = SplitMix(state: UInt64(count))
        var records: [ApprovalRecord] = []
        for index in 0..<count {
            var record = ApprovalRecord(
                storedID: nil, caseID: "case-\(index % 17)", agent: random.pick(["writer", "scheduler", "books"]),
                action: random.pick([.emailSend, .calendarBook, "webhook.post"]),
                proposedJSON: #"{"body":"hello \#(index)","instructions":"be brief"}"#,
                reason: random.pick(["first contact", "high stakes", "over limit", "new customer"]), status: .pending,
                createdAt: now.addingTimeInterval(Double(index)))
            record.evidenceJSON = random.chance(70) ? #"{"intake":{"a":"1"},"qualifier":{"score":"80"}}"# : nil
            records.append(record)
        }
        return try await store.transaction { [records] tx in try records.map { try tx.insertApproval($0) } }
    }

    @Test("pages, kinds and summaries of pending approvals agree with what was stored", arguments: StoreKind.allCases)
    func paging(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        let ids = try await Self.seed(store, count: 240, at: clock.now)
        let filters = [ApprovalFilter(), ApprovalFilter(action: .emailSend), ApprovalFilter(agent: "books"),
            ApprovalFilter(action: .calendarBook, agent: "writer")]
        let all = try await store.pendingApprovals(ApprovalFilter(), after: nil, limit: 500).approvals
        #expect(all.count == ids.count && all.compactMap(\.id) == ids.sorted(by: >))
        for filter in filters {
            let selected = all.filter {
                (filter.action == nil || $0.action == filter.action) && (filter.agent == nil || $0.agent == filter.agent)
            }
            var paged: [Int64] = []
            var cursor: Int64?
            repeat {
                let page = try await store.pendingApprovals(filter, after: cursor, limit: 7)
                #expect(page.total == selected.count)
                paged += page.approvals.compactMap(\.id)
                cursor = page.next
            } while cursor != nil
            #expect(paged == selected.compactMap(\.id))
            let summary = try await store.pendingApprovalSummary(filter)
            #expect(summary.count == selected.count)
            #expect(summary.reasons.map(\.1).reduce(0, +) + summary.otherReasons == selected.count)
            let withEvidence = selected.filter { $0.evidenceJSON != nil }.count
            #expect(summary.evidence.map(\.0) == (withEvidence > 0 ? ["intake", "qualifier"] : []))
            #expect(summary.evidence.allSatisfy { $0.1 == withEvidence })
            #expect(try await store.newestPendingApproval(filter) == selected.first?.id)
        }
        let kinds = try await store.pendingApprovalKinds()
        #expect(kinds.map(\.count).reduce(0, +) == ids.count)
        for pending in kinds {
            #expect(pending.count == all.filter { $0.action == pending.action && $0.agent == pending.agent }.count)
        }
    }

    @Test("decisions: approved once and queued once, rejected, sent back; a decided one refused", arguments: StoreKind.allCases)
    func decisions(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        let ids = try await Self.seed(store, count: 30, at: clock.now)
        try await store.approve(ids[0], edited: ["body": "edited"])
        try await store.reject(ids[1], reason: "not now")
        let event = try await store.override(ids[2], instructions: "mention the discount")
        for id in ids[0...2] {
            await #expect(throws: RuntimeError.self) { try await store.approve(id, edited: nil) }
        }
        await #expect(throws: RuntimeError.self) { try await store.reject(999_999, reason: "none") }
        let approved = try await store.approval(ids[0])
        #expect(approved.status == .approved && approved.approvedJSON == #"{"body":"edited"}"#)
        #expect(try await store.approval(ids[1]).decision == "not now")
        #expect(try await store.approval(ids[2]).status == .overridden)
        let overridden = try await store.readStep(limit: 100, excluding: [], busyTimes: false, at: clock.now)
        let carrying = overridden.cases.flatMap(\.events).first { $0.id == event }
        #expect(carrying?.type == Engine.overrideEvent && carrying?.payload["instructions"] as? String == "mention the discount")
        #expect(overridden.cases.contains { $0.overridden[ids[2]] != nil })
        let queued = try await store.dueActions(limit: 100, lane: nil, at: clock.now)
        #expect(queued.map(\.idempotencyKey) == ["approval-\(ids[0])"])
        // A bulk approval stops at the newest seen; one that arrives after it waits.
        let filter = ApprovalFilter(agent: "writer")
        let through = try #require(try await store.newestPendingApproval(filter))
        let late = try await Self.seed(store, count: 1, at: clock.now)
        let expected = try await store.pendingApprovalSummary(filter).count - (try await store.approval(late[0]).agent == "writer" ? 1 : 0)
        #expect(try await store.approveAll(filter, through: through) == expected)
        #expect(try await store.pendingApprovalSummary(filter).count == (try await store.approval(late[0]).agent == "writer" ? 1 : 0))
        let lines = try await store.auditAsync(caseID: nil).map(\.kind)
        #expect(lines.filter { $0 == .approved }.count == 1 + expected)
        #expect(lines.filter { $0 == .rejected }.count == 1 && lines.filter { $0 == .overridden }.count == 1)
    }

    @Test("timeouts: the approver reminded once, then the escalation once, never again", arguments: StoreKind.allCases)
    func timeouts(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        let blueprint = try Self.blueprint()
        let id = try await store.transaction { [clock] tx in
            try tx.insertApproval(
                ApprovalRecord(
                    storedID: nil, caseID: "lead-1", agent: "writer", action: .emailSend, proposedJSON: "{}",
                    reason: "first contact", status: .pending, createdAt: clock.now))
        }
        #expect(try await store.applyApprovalTimeouts(blueprint) == 0)
        clock.advance(3601)
        #expect(try await store.applyApprovalTimeouts(blueprint) == 1)
        #expect(try await store.applyApprovalTimeouts(blueprint) == 0)
        #expect(try await store.approval(id).remindedTo == "dana@bowriver.example")
        clock.advance(3601)
        #expect(try await store.applyApprovalTimeouts(blueprint) == 1)
        #expect(try await store.applyApprovalTimeouts(blueprint) == 0)
        #expect(try await store.approval(id).escalatedTo == "sam@bowriver.example")
        let notices = try await store.dueActions(limit: 10, lane: nil, at: clock.now).map(\.idempotencyKey)
        #expect(notices.sorted() == ["timeout-\(id)-escalate", "timeout-\(id)-remind"])
        #expect(try await store.auditAsync(caseID: "lead-1").filter { $0.kind == .timeout }.count == 2)
    }
}
