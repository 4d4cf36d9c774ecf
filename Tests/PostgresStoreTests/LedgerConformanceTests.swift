import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// The deferred actions, the lead and inquiry ledgers and the outcomes the KPIs measure: one
/// generated history written to both stores, whose answers must be the same, and hold what the
/// history says.
@Suite("Ledger conformance", .serialized)
struct LedgerConformanceTests {
    /// Both stores on one clock.
    static func stores(_ clock: TestClock) async throws -> [any RuntimeStorage] {
        try await StoreKind.both(clock: clock)
    }

    /// Runs `body` on every store.
    static func each(_ stores: [any RuntimeStorage], _ body: (any RuntimeStorage) async throws -> Void) async throws {
        for store in stores { try await body(store) }
    }

    @Test("deferred actions: the next, the groups, released when due and queued once")
    func deferred() async throws {
        let clock = TestClock()
        let stores = try await Self.stores(clock)
        var random = SplitMix(state: 21)
        var goes: [(agent: String, action: String, at: Date)] = []
        for index in 0..<200 {
            let agent = random.pick(["writer", "scheduler", "b'ooks", "é"])
            let action = random.pick(["email.send", "calendar.book", "webhook.post"])
            let at = clock.now.addingTimeInterval(Double(60 + random.below(4 * 3600)))
            goes.append((agent, action, at))
            try await Self.each(stores) { [clock] store in
                let deferred = try await store.transaction { tx in
                    try tx.deferAction(
                        key: "d-\(index)", caseID: "case-\(index % 9)", agent: agent, action: ActionKind(rawValue: action),
                        payloadJSON: "{}", at: clock.now, goes: at)
                }
                #expect(deferred)
            }
        }
        let groups = Dictionary(grouping: goes) { "\($0.agent)|\($0.action)" }
        for store in stores {
            #expect(try await store.nextDeferred() == goes.map(\.at).min())
            let listed = try await store.deferredActions()
            #expect(listed.count == groups.count)
            #expect(listed.map { "\($0.agent)|\($0.action)" } == groups.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            for group in listed {
                let times = groups["\(group.agent)|\(group.action)"]?.map(\.at) ?? []
                #expect(group.count == times.count && group.first == times.min() && group.last == times.max())
            }
        }
        var released = 0
        var leased: Set<String> = []
        for hours in [0.5, 1, 2, 3, 5] {
            let now = clock.now.addingTimeInterval(hours * 3600)
            let due = goes.filter { $0.at <= now }.count
            var counts: [Int] = []
            try await Self.each(stores) { store in counts.append(try await store.releaseDeferred(at: now)) }
            #expect(counts == [due - released, due - released])
            released = due
            // The released ones are queued. The PostgreSQL store leases what it hands the dispatcher,
            // so it hands each once; the SQLite store (one process) hands them until they are sent.
            leased.formUnion(try await stores[1].dueActions(limit: 1000, lane: nil, at: now).map(\.idempotencyKey))
            let queued = try await stores[0].dueActions(limit: 1000, lane: nil, at: now).map(\.idempotencyKey)
            #expect(Set(queued) == leased)
        }
        for store in stores {
            #expect(try await store.nextDeferred() == nil)
            #expect(try await store.deferredActions().isEmpty)
        }
    }

    @Test("ledgers and outcomes: a generated history of leads, inquiries, replies and approvals reads the same")
    func ledgers() async throws {
        let clock = TestClock()
        let start = clock.now
        let stores = try await Self.stores(clock)
        var random = SplitMix(state: 99)
        for index in 0..<160 {
            let caseID = "\(random.pick(["c", "C", "o'k", "é", "🔧"]))-\(index % 70)"
            let type = random.pick(["lead.received", "lead.received", "inquiry.received", "email.received", "complaint.escalated"])
            let roll = random.below(100)
            let key = "k-\(index)"
            let action: ActionKind = random.pick([.emailSend, .emailSend, .complaintReply])
            let approval = random.chance(25)
            try await Self.each(stores) { [clock] store in
                try await store.submit(try IntakeEvent(type: type, caseID: caseID, payload: ["n": "\(index)"], producer: "test"))
                try await store.transaction { tx in
                    if roll < 50 {
                        _ = try tx.queueAction(
                            key: approval ? "approval-\(index)" : key, caseID: caseID, agent: "writer", action: action,
                            payloadJSON: "{}", at: clock.now)
                    } else if roll < 60 {
                        _ = try tx.insertApproval(
                            ApprovalRecord(
                                storedID: nil, caseID: caseID, agent: "writer", action: action, proposedJSON: "{}",
                                reason: "first contact", status: .pending, createdAt: clock.now))
                    } else if roll < 65 {
                        try tx.appendAudit(at: clock.now, caseID: caseID, agent: "intake", kind: .spam, detail: "links")
                    }
                }
            }
            clock.advance(Double(random.below(900)))
            // Some queued actions are sent, held or given up, the same on both stores.
            if random.chance(40) {
                let choice = random.below(3)
                try await Self.each(stores) { [clock] store in
                    guard var item = try await store.dueActions(limit: 1, lane: nil, at: clock.now).first else { return }
                    try await store.transaction { [item] tx in
                        switch choice {
                        case 0: try tx.markSent(item.id ?? 0, attempts: 1, at: clock.now)
                        case 1:
                            var held = item
                            held.status = .held
                            try tx.updateOutboxItem(held)
                        default:
                            var dead = item
                            dead.status = .dead
                            try tx.updateOutboxItem(dead)
                        }
                    }
                    item.status = .sent
                }
            }
            if random.chance(15) {
                try await Self.each(stores) { store in
                    if let id = try await store.newestPendingApproval(ApprovalFilter()) {
                        try await store.approve(id, edited: nil)
                    }
                }
            }
        }
        let end = clock.now.addingTimeInterval(1)
        let periods = [(start, end), (start.addingTimeInterval(3600), start.addingTimeInterval(7 * 3600)), (end, end + 60)]
        for (from, to) in periods {
            let leads = try await stores[0].leadLedger(from: from, to: to)
            let inquiries = try await stores[0].inquiryLedger(from: from, to: to)
            #expect(try await stores[1].leadLedger(from: from, to: to) == leads)
            #expect(try await stores[1].inquiryLedger(from: from, to: to) == inquiries)
            #expect(
                try await stores[1].leadsAnsweredAfterApproval(from: from, to: to)
                    == stores[0].leadsAnsweredAfterApproval(from: from, to: to))
            #expect(
                try await stores[1].approvalDecisions(from: from, to: to)
                    == stores[0].approvalDecisions(from: from, to: to))
            #expect(try await stores[1].booksOutcome(from: from, to: to) == nil)
            #expect(try await stores[0].booksOutcome(from: from, to: to) == nil)
            if from == start {
                // The whole history: every lead case once, some answered, waiting, spam and failed.
                #expect(Set(leads.map(\.caseID)).count == leads.count && leads.count > 20)
                #expect(leads.contains { $0.replied != nil } && leads.contains { $0.waitingForPerson })
                #expect(leads.contains { $0.spam } && leads.contains { $0.replyFailed } && leads.contains { $0.replyDue != nil })
                #expect(!inquiries.isEmpty && inquiries.allSatisfy { inquiry in !leads.contains { $0.caseID == inquiry.caseID } })
            }
        }
        #expect(try await stores[0].firstActivity() == stores[1].firstActivity())
    }
}
