import BatonTestSupport
import Blueprint
import Foundation
import GRDB
import Testing

@testable import Orchestrator

/// Pending approvals a page at a time, approved a filtered set at once, and their timeouts found by
/// an index on the due time: over generated sets of approvals, with the store's clock injected.
struct ApprovalPagingTests {
    final class Clock: @unchecked Sendable {
        // @unchecked: only the test's own task moves it, between store calls.
        var now = LeadFlowTests.monday
    }

    static let actions: [ActionKind] = ["email.send", "crm.update", "calendar.book"]
    static let agents = ["scheduler", "lead_qualifier", "follow_up"]

    static func store(_ clock: Clock = Clock()) throws -> (RuntimeStore, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-paging-\(UUID().uuidString)")
            .path
        return (try RuntimeStore(folder: folder, clock: { clock.now }), folder)
    }

    /// Inserts `count` approvals with generated kinds, agents, ages and (some) decisions; returns them.
    @discardableResult
    static func insert(
        _ count: Int, into store: RuntimeStore, _ random: inout SplitMix, decided: Double = 0.2, now: Date
    ) throws -> [ApprovalRecord] {
        var made: [ApprovalRecord] = []
        for n in 0..<count {
            let status: ApprovalRecord.Status =
                Double.random(in: 0..<1, using: &random) < decided
                ? [.approved, .rejected, .overridden].randomElement(using: &random)! : .pending
            made.append(
                ApprovalRecord(
                    id: nil, caseID: "case-\(n % 97)", agent: agents.randomElement(using: &random)!,
                    action: actions.randomElement(using: &random)!,
                    proposedJSON: #"{"to":"lead\#(n)@example.com","body":"Hello"}"#,
                    reason: ["first reply", "follow-up", "booking"].randomElement(using: &random)!, status: status,
                    createdAt: now.addingTimeInterval(-Double.random(in: 0...(3 * 86400), using: &random)),
                    approvedJSON: nil, decision: nil, decidedAt: nil,
                    evidenceJSON: #"{"intake":{"name":"Lead \#(n)"},"lead_qualifier":{"score":"80"}}"#))
        }
        return try store.database.write { db in
            try made.map { record in
                var record = record
                try record.insert(db)
                record.id = db.lastInsertedRowID
                return record
            }
        }
    }

    @Test(arguments: 0..<60)
    func pagesWalkEveryPendingApprovalExactlyOnceNewestFirst(seed: Int) throws {
        var random = SplitMix(seed: UInt64(seed) &* 7919 &+ 1)
        let clock = Clock()
        let (store, folder) = try Self.store(clock)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let all = try Self.insert(Int.random(in: 0...260, using: &random), into: store, &random, now: clock.now)
        let filter = ApprovalFilter(
            action: Bool.random(using: &random) ? Self.actions.randomElement(using: &random) : nil,
            agent: Bool.random(using: &random) ? Self.agents.randomElement(using: &random) : nil)
        let expected = all.filter {
            $0.status == .pending && (filter.action == nil || $0.action == filter.action)
                && (filter.agent == nil || $0.agent == filter.agent)
        }.map { $0.id! }.sorted(by: >)
        let size = Int.random(in: 1...60, using: &random)
        var seen: [Int64] = []
        var cursor: Int64? = nil
        var pages = 0
        repeat {
            let page = try Approvals(store: store).pendingPage(filter, after: cursor, limit: size)
            #expect(page.total == expected.count)
            #expect(page.approvals.count <= size)
            #expect(page.approvals.allSatisfy { $0.status == .pending })
            seen += page.approvals.map { $0.id! }
            cursor = page.next
            pages += 1
        } while cursor != nil && pages <= expected.count + 1
        #expect(seen == expected, "seed \(seed): every pending approval once, newest first")
        #expect(pages == max(1, (expected.count + size - 1) / size))
    }

    @Test func aPageHoldsAtMostTheLargestPageWhateverIsAsked() throws {
        var random = SplitMix(seed: 3)
        let clock = Clock()
        let (store, folder) = try Self.store(clock)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.insert(700, into: store, &random, decided: 0, now: clock.now)
        for asked in [Int.min, -1, 0, 1, 499, 500, 501, 10_000, Int.max] {
            let page = try Approvals(store: store).pendingPage(limit: asked)
            #expect(page.approvals.count == min(max(asked, 1), Approvals.largestPage))
        }
    }

    @Test(arguments: 0..<20)
    func approvingAFilteredSetApprovesExactlyThatSetUpToWhatWasShown(seed: Int) async throws {
        var random = SplitMix(seed: UInt64(seed) &+ 101)
        let clock = Clock()
        let (store, folder) = try Self.store(clock)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let all = try Self.insert(Int.random(in: 1...450, using: &random), into: store, &random, now: clock.now)
        let filter = ApprovalFilter(
            action: Self.actions.randomElement(using: &random),
            agent: Bool.random(using: &random) ? Self.agents.randomElement(using: &random) : nil)
        let approvals = Approvals(store: store)
        let through = try await approvals.newestPendingAsync(filter) ?? 0
        // Arriving after the confirmation was shown: left waiting.
        let late = try Self.insert(5, into: store, &random, decided: 0, now: clock.now)
        let selected = Set(
            all.filter {
                $0.status == .pending && $0.action == filter.action && (filter.agent == nil || $0.agent == filter.agent)
            }.map { $0.id! })
        #expect(try await approvals.approveAllAsync(filter, through: through) == selected.count)
        let before = Dictionary(uniqueKeysWithValues: (all + late).map { ($0.id!, $0.status) })
        for record in try store.approvals() {
            #expect(record.status == (selected.contains(record.id!) ? .approved : before[record.id!]))
        }
        let queued = Set(try store.outbox().map(\.idempotencyKey))
        #expect(queued == Set(selected.map { "approval-\($0)" }))
        #expect(try await approvals.approveAllAsync(filter, through: through) == 0)
    }

    /// The plan SQLite chooses for `sql`, one line per step.
    static func plan(_ store: RuntimeStore, _ sql: String, _ arguments: StatementArguments) throws -> String {
        try store.database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                .joined(separator: "\n")
        }
    }

    @Test func theTimeoutScanSearchesTheIndexOnTheDueTimeNeverScansTheTable() throws {
        var random = SplitMix(seed: 11)
        let clock = Clock()
        let (store, folder) = try Self.store(clock)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.insert(2000, into: store, &random, now: clock.now)
        try store.database.write { try $0.execute(sql: "ANALYZE") }
        let due = try Self.plan(store, Approvals.dueTimeoutsSQL, [clock.now, 500])
        #expect(due.contains("SEARCH approval USING INDEX approval_timeout (timeout_at<?)"), "\(due)")
        #expect(!due.contains("SCAN"), "\(due)")
        let new = try Self.plan(store, Approvals.unscheduledSQL, [500])
        #expect(new.contains("SEARCH approval USING INDEX approval_timeout (timeout_at=?)"), "\(new)")
        #expect(!new.contains("SCAN approval "), "\(new)")
        // The dashboard's page, filtered or not, reads the pending approvals' indexes.
        let page = try Self.plan(
            store, "SELECT * FROM approval WHERE status = 'pending' AND id < ? ORDER BY id DESC LIMIT ?", [100, 51])
        #expect(
            page.contains("USING INDEX approval_pending") || page.contains("USING COVERING INDEX approval_pending"),
            "\(page)")
        let filtered = try Self.plan(
            store,
            "SELECT * FROM approval WHERE status = 'pending' AND action = ? AND agent = ? ORDER BY id DESC LIMIT ?",
            ["email.send", "scheduler", 51])
        #expect(filtered.contains("SEARCH approval USING INDEX approval_pending_kind"), "\(filtered)")
    }

    /// The stored due time agrees with the step the rule would take: whenever a step is due, its
    /// due time has come (so the indexed scan finds it), and a due time more than a second past
    /// means a step is due.
    @Test func theStoredDueTimeAgreesWithTheTimeoutStep() {
        var random = SplitMix(seed: 42)
        let base = LeadFlowTests.monday
        for round in 0..<3000 {
            let after = [0, 1, 59, 3600, 4 * 3600, 86400].randomElement(using: &random)!
            let then: TimeoutOutcome = ["remind", "escalate", "reject", "approve", ""].randomElement(using: &random)!
            let rule: ApprovalRule? =
                Int.random(in: 0..<8, using: &random) == 0
                ? nil
                : ApprovalRule(
                    action: "email.send", when: "always", approver: "owner",
                    timeout: Timeout(
                        after: WaitDuration(["\(after)s", "\(after / 60) min", "soon"].randomElement(using: &random)!),
                        then: then, to: "boss@example.com"))
            let created = base.addingTimeInterval(Double.random(in: -200_000...0, using: &random))
            let reminded: Date? =
                Bool.random(using: &random)
                ? created.addingTimeInterval(Double.random(in: 0...90_000, using: &random)) : nil
            let escalated: Date? =
                reminded != nil && Bool.random(using: &random)
                ? reminded!.addingTimeInterval(Double.random(in: 0...90_000, using: &random)) : nil
            let record = ApprovalRecord(
                id: 1, caseID: "c", agent: "a", action: "email.send", proposedJSON: "{}", reason: "r",
                status: Int.random(in: 0..<6, using: &random) == 0 ? .approved : .pending, createdAt: created,
                approvedJSON: nil, decision: nil, decidedAt: nil, remindedAt: reminded, escalatedAt: escalated)
            let now = base.addingTimeInterval(Double.random(in: -1000...200_000, using: &random))
            let next = TimeoutSchedule.next(record, rule: rule)
            if let rule, TimeoutStep.due(record, rule: rule, now: now) != nil {
                #expect(next <= now, "round \(round): a due step is found by the scan")
            }
            if next.addingTimeInterval(1) <= now {
                #expect(rule.flatMap { TimeoutStep.due(record, rule: $0, now: now) } != nil, "round \(round)")
            }
        }
    }

    /// The indexed scan does what reading every pending approval did: over generated approvals and
    /// clock steps, each turn takes the same steps as the rule applied to all of them, in memory.
    @Test(arguments: 0..<25)
    func theIndexedScanTakesTheSameStepsAsReadingEveryApproval(seed: Int) throws {
        var random = SplitMix(seed: UInt64(seed) &+ 977)
        let clock = Clock()
        let (store, folder) = try Self.store(clock)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var blueprint = try LeadFlowTests.blueprint()
        let then: TimeoutOutcome = ["remind", "escalate", "reject"].randomElement(using: &random)!
        blueprint.approvals.append(
            ApprovalRule(
                action: "email.send", when: "always", approver: "owner",
                timeout: Timeout(after: "2h", then: then, to: "boss@example.com")))
        try Self.insert(Int.random(in: 0...120, using: &random), into: store, &random, decided: 0.1, now: clock.now)
        for turn in 0..<8 {
            let before = try store.approvals()
            var expected = 0
            for record in before {
                guard let rule = blueprint.approvals.first(where: { $0.action == record.action }) else { continue }
                if TimeoutStep.due(record, rule: rule, now: clock.now) != nil { expected += 1 }
            }
            let taken = try Approvals(store: store).applyTimeouts(blueprint)
            #expect(taken == expected, "seed \(seed), turn \(turn)")
            if turn == 4 {
                // The rule changes: every waiting approval's due time is worked out again.
                blueprint.approvals[blueprint.approvals.count - 1].timeout.after = "30 min"
            }
            if Bool.random(using: &random) {
                try Self.insert(Int.random(in: 0...10, using: &random), into: store, &random, now: clock.now)
            }
            clock.now = clock.now.addingTimeInterval(Double.random(in: 0...(3 * 3600), using: &random))
        }
        #expect(try Approvals(store: store).applyTimeouts(blueprint) >= 0)
    }

    @Test func expiredSessionsArePurgedAtEachSignInAndNeverAccepted() async throws {
        let clock = Clock()
        let (store, folder) = try Self.store(clock)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let access = DashboardAccess(store: store)
        let token = try access.addToken(hash: "h1", label: "Dana")
        for n in 0..<5 { try await access.openSession(id: "old-\(n)", csrf: "c", token: token) }
        #expect(try access.sessionCount() == 5)
        clock.now = clock.now.addingTimeInterval(12 * 3600 + 1)
        #expect(try await access.session(id: "old-0") == nil, "an expired session is refused before it is purged")
        try await access.openSession(id: "new", csrf: "c", token: token)
        #expect(try access.sessionCount() == 1)
        #expect(try await access.session(id: "new") == DashboardSession(csrf: "c", tokenID: token))
        clock.now = clock.now.addingTimeInterval(13 * 3600)
        #expect(try await access.purgeExpiredSessions() == 1)
        #expect(try access.sessionCount() == 0)
    }

    @Test func aRevokedTokenEndsItsSessionsOnly() async throws {
        let clock = Clock()
        let (store, folder) = try Self.store(clock)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let access = DashboardAccess(store: store)
        let dana = try access.addToken(hash: "dana", label: "Dana's phone")
        let sam = try access.addToken(hash: "sam")
        try await access.openSession(id: "d1", csrf: "c", token: dana)
        try await access.openSession(id: "d2", csrf: "c", token: dana)
        try await access.openSession(id: "s1", csrf: "c", token: sam)
        let listed = try access.tokens()
        #expect(listed.map(\.id) == [dana, sam])
        #expect(listed[0].label == "Dana's phone" && listed[0].sessions == 2 && listed[0].lastUsedAt == clock.now)
        #expect(listed[1].label == nil && listed[1].sessions == 1)
        #expect(try access.revokeToken(id: dana) == 2)
        #expect(try await access.tokenID(hash: "dana") == nil)
        #expect(try await access.session(id: "d1") == nil)
        #expect(try await access.session(id: "d2") == nil)
        #expect(try await access.session(id: "s1") != nil)
        #expect(throws: RuntimeError.self) { try access.revokeToken(id: dana) }
        await #expect(throws: RuntimeError.self) { try await access.openSession(id: "d3", csrf: "c", token: dana) }
    }
}
