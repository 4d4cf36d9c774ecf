import BatonTestSupport
import Blueprint
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Orchestrator

/// Cost that follows the day's work: paging, indexed time ranges, running counts, and a prune that
/// keeps every figure.
struct HistoryCostTests {
    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("baton-history-\(UUID().uuidString)").path
    }

    /// Stores `events` straight in one transaction: (case, time) in order.
    static func insert(_ store: RuntimeStore, _ events: [(String, Date)]) throws {
        try store.database.write { db in
            for (caseID, at) in events {
                try EventRecord(
                    id: nil, type: "lead.received", caseID: caseID, causationID: nil, payloadJSON: "{}",
                    producer: "test", idempotencyKey: nil, status: .done, createdAt: at, dueAt: nil
                ).insert(db)
            }
        }
    }

    /// Pages through every case, checking each page's size and cursor.
    static func allPages(_ store: RuntimeStore, limit: Int) throws -> [CaseSummary] {
        var listed: [CaseSummary] = []
        var cursor: String?
        repeat {
            let page = try store.cases(limit: limit, after: cursor)
            #expect(page.cases.count <= limit)
            if page.next != nil { #expect(page.cases.count == limit) }
            listed += page.cases
            cursor = page.next
        } while cursor != nil
        return listed
    }

    @Test(arguments: 0..<40)
    func pagingListsEveryCaseOnceNewestFirstWithTiesInTime(seed: Int) throws {
        var random = SplitMix(seed: UInt64(seed))
        let store = try RuntimeStore(folder: Self.folder())
        // Few distinct times, so many cases open in the same millisecond; later events land on
        // random earlier cases, interleaved with new ones.
        let base = Date(timeIntervalSince1970: 1_772_467_200)
        var opened: [String] = []
        var events: [(String, Date)] = []
        for i in 0..<Int.random(in: 0...150, using: &random) {
            let at = base.addingTimeInterval(Double(Int.random(in: 0...3, using: &random)) + Double(i / 40))
            if !opened.isEmpty, Bool.random(using: &random) {
                events.append((opened.randomElement(using: &random)!, at))
            }
            let id = "case-\(seed)-\(i)"
            opened.append(id)
            events.append((id, at))
        }
        try Self.insert(store, events)
        let limit = Int.random(in: 1...12, using: &random)
        let listed = try Self.allPages(store, limit: limit)
        #expect(listed.map(\.id) == opened.reversed(), "seed \(seed), limit \(limit)")
        for summary in listed {
            let own = events.filter { $0.0 == summary.id }
            #expect(summary.events == own.count)
        }
        // Cases opened while someone pages appear on top, never inside the pages still to come.
        guard opened.count > limit else { return }
        let first = try store.cases(limit: limit)
        try Self.insert(store, [("late-\(seed)", base), (opened[0], base)])
        var rest: [CaseSummary] = []
        var cursor = first.next
        while let next = cursor {
            let page = try store.cases(limit: limit, after: next)
            rest += page.cases
            cursor = page.next
        }
        #expect((first.cases + rest).map(\.id) == opened.reversed())
        #expect(try store.cases(limit: 1).cases.first?.id == "late-\(seed)")
    }

    @Test(arguments: ["", "0", "-3", "abc", "12x"])
    func aCursorThatIsNotOneIsRefused(cursor: String) throws {
        let store = try RuntimeStore(folder: Self.folder())
        #expect(throws: CaseCursorError.self) { try store.cases(after: cursor) }
    }

    /// The plan SQLite chooses for `sql`, as one text.
    static func plan(_ store: RuntimeStore, _ sql: String, _ arguments: StatementArguments) throws -> String {
        try store.database.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                .joined(separator: "\n")
        }
    }

    @Test func theListingsReportsAndMetricsReadThroughTheirIndexes() async throws {
        let r = try LeadFlowTests.runtime()
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        let day = LeadFlowTests.monday
        let end = day.addingTimeInterval(86_400)
        let cases = try Self.plan(r.store, RuntimeStore.caseOpenersSQL, [Int64.max, 51])
        #expect(cases.contains("INTEGER PRIMARY KEY"), "\(cases)")
        #expect(cases.contains("event_case"), "\(cases)")
        #expect(!cases.contains("SCAN e"), "\(cases)")
        let leads = try Self.plan(r.store, RuntimeStore.leadLedgerSQL, [day, end])
        #expect(leads.contains("event_lead_arrival"), "\(leads)")
        #expect(leads.contains("outbox_case_action"), "\(leads)")
        let audit = try Self.plan(r.store, RuntimeStore.auditCountSQL, [day, end])
        #expect(audit.contains("audit_at"), "\(audit)")
        for (sql, index) in [
            // Either partial index of pending approvals (`approval_pending`, or `approval_timeout` on
            // their due time): both hold only what waits.
            ("SELECT count(*) FROM approval WHERE status = 'pending'", "approval_"),
            ("SELECT count(*) FROM event WHERE status = 'dead'", "event_dead"),
            ("SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NULL", "event_ready"),
            ("SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NOT NULL", "event_delayed"),
            ("SELECT count(*) FROM outbox WHERE status = 'queued'", "outbox_due"),
            (
                "SELECT agent, kind, detail FROM audit WHERE at >= ? AND at < ? AND kind IN ('denied', 'dead', 'timeout') ORDER BY id",
                "audit_at"
            ),
        ] {
            let plan = try Self.plan(r.store, sql, sql.contains("?") ? [day, end] : [])
            #expect(plan.contains("INDEX " + index), "\(sql): \(plan)")
        }
    }

    /// Leads over five days, with a clock that moves: some replied, one held for a person, one that
    /// keeps failing, one that wrote back; then prune before the fourth day.
    @Test func pruneKeepsEveryFigureAndRemovesThePayloads() async throws {
        let clock = Mutex(LeadFlowTests.monday)
        let folder = Self.folder()
        let store = try RuntimeStore(folder: folder, clock: { clock.withLock { $0 } })
        var blueprint = try DeadLetterTests.blueprint()
        blueprint.approvals.append(LeadFlowTests.firstRepliesWait)
        let poison = PoisonSkill("lead_qualification", trigger: "first")
        let engine = Engine(
            blueprint: blueprint, store: store,
            skills: SkillRegistry.builtIn.registering(poison, as: "lead_qualification"), maxEventAttempts: 1)
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "owner@example.com")
        var lead = 0
        for dayIndex in 0..<5 {
            for hour in [1.0, 3, 7] {
                clock.withLock {
                    $0 = LeadFlowTests.monday.addingTimeInterval(Double(dayIndex) * 86_400 + hour * 3_600)
                }
                lead += 1
                var payload = LeadFlowTests.lead
                payload["email"] = "lead\(lead)@example.com"
                if lead == 4 { payload["poison"] = "first" }
                try store.submit(type: "lead.received", caseID: "lead-\(lead)", payload: payload, producer: "intake")
                try await engine.runUntilIdle()
                clock.withLock { $0 += 90 * Double(lead) }
                // Every approval but lead 2's is decided: approved, so the reply goes.
                for approval in try store.approvals() where approval.status == .pending && approval.caseID != "lead-2" {
                    try Approvals(store: store).approve(approval.id!)
                }
                try await engine.runUntilIdle()
                while try await dispatcher.dispatch() > 0 {}
            }
        }
        // Lead 1 writes back on the last day: its case is not closed.
        clock.withLock { $0 = LeadFlowTests.monday.addingTimeInterval(4 * 86_400 + 9 * 3_600) }
        try store.submit(type: "lead.replied", caseID: "lead-1", payload: ["text": "Thursday?"], producer: "intake")
        try await engine.runUntilIdle()

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func figures() async throws -> [String] {
            var all: [String] = []
            for dayIndex in 0..<5 {
                let day = LeadFlowTests.monday.addingTimeInterval(Double(dayIndex) * 86_400)
                let report = try await DailyReport(store, blueprint: blueprint, day: day)
                all.append(report.markdown)
                all.append(String(decoding: try encoder.encode(report.kpis), as: UTF8.self))
            }
            all.append(
                String(decoding: try encoder.encode(try await KPIs.measure(store, blueprint: blueprint)), as: UTF8.self))
            all.append(try await RuntimeMetrics.prometheus(store))
            all.append(
                try Self.allPages(store, limit: 4).map { "\($0.id) \($0.events) \($0.latestEvent)" }.joined(
                    separator: ","))
            return all
        }
        let before = try await figures()
        #expect(before[0].contains("tasks processed"))
        #expect(try await KPIs.measure(store, blueprint: blueprint).leadsAnswered >= 12)
        let pendingBefore = try store.approvals().filter { $0.status == .pending }
        let waitingBefore = try store.events().filter { $0.status == .pending || $0.status == .dead }
        let queuedBefore = try store.outbox().filter { $0.status == .queued || $0.status == .held }
        #expect(!pendingBefore.isEmpty)
        #expect(waitingBefore.contains { $0.status == .dead })

        // Closed before the cut: everything on the case happened before it, and nothing of it waits.
        let cut = LeadFlowTests.monday.addingTimeInterval(3 * 86_400)
        let cases = Set(try store.events().map(\.caseID))
        var closed: Set<String> = []
        var eventsBefore: [String: [EventRecord]] = [:]
        var contextsBefore: [String: [String: [String: String]]] = [:]
        for caseID in cases {
            let events = try store.events(caseID: caseID)
            eventsBefore[caseID] = events
            contextsBefore[caseID] = try store.context(caseID: caseID).notes
            let waiting =
                events.contains { $0.status == .pending || $0.status == .dead }
                || queuedBefore.contains { $0.caseID == caseID } || pendingBefore.contains { $0.caseID == caseID }
            let last = max(events.map(\.createdAt).max()!, try store.audit(caseID: caseID).map(\.at).max()!)
            if last < cut, !waiting { closed.insert(caseID) }
        }
        #expect(closed.contains("lead-3"))
        for open in ["lead-1", "lead-2", "lead-4"] { #expect(!closed.contains(open), "\(open)") }

        let summary = try store.prune(before: cut)
        #expect(summary.closedCases == closed.count)
        #expect(summary.eventPayloads > 0 && summary.contexts > 0 && summary.outboxPayloads > 0)
        #expect(summary.auditLines > 0)
        let after = try await figures()
        for (index, (old, new)) in zip(before, after).enumerated() { #expect(old == new, "figure \(index)") }

        // The waiting work is as it was, payloads included.
        #expect(try store.approvals().filter { $0.status == .pending } == pendingBefore)
        #expect(try store.events().filter { $0.status == .pending || $0.status == .dead } == waitingBefore)
        #expect(try store.outbox().filter { $0.status == .queued || $0.status == .held } == queuedBefore)
        // Closed cases lost their payloads and context; the others kept theirs.
        for caseID in cases {
            let events = try store.events(caseID: caseID)
            if closed.contains(caseID) {
                #expect(events.allSatisfy { $0.payloadJSON == "{}" }, "\(caseID)")
                #expect(try store.context(caseID: caseID).notes.isEmpty, "\(caseID)")
                #expect(try store.outbox().filter { $0.caseID == caseID }.allSatisfy { $0.payloadJSON == "{}" })
            } else {
                #expect(events == eventsBefore[caseID], "\(caseID)")
                #expect(try store.context(caseID: caseID).notes == contextsBefore[caseID], "\(caseID)")
            }
        }
        #expect(try store.audit().filter { $0.at >= cut }.contains { $0.notesJSON != nil })
        #expect(try store.audit().filter { $0.at < cut }.allSatisfy { $0.notesJSON == nil })
        #expect(
            try store.audit().filter { $0.at < cut && !RuntimeStore.keptAuditDetail.contains($0.kind) }.allSatisfy {
                $0.detail.isEmpty
            })
        // Twice is the same as once.
        let again = try store.prune(before: cut)
        #expect(again.eventPayloads == 0 && again.contexts == 0 && again.outboxPayloads == 0 && again.auditLines == 0)
    }

    @Test func runningCountsMatchTheRowsAfterAnyMixOfWork() async throws {
        let r = try DeadLetterTests.runtime()
        for i in 0..<30 {
            try r.store.submit(
                type: "lead.received", caseID: "lead-\(i)",
                payload: DeadLetterTests.lead(i, poison: i % 7 == 0 ? "first" : nil),
                producer: "intake")
        }
        try await r.engine.runUntilIdle()
        let dispatcher = Dispatcher(
            store: r.store, blueprint: try DeadLetterTests.blueprint(), emailFolder: Self.folder(),
            from: "o@example.com")
        while try await dispatcher.dispatch() > 0 {}
        let text = try await RuntimeMetrics.prometheus(r.store)
        let events = try r.store.events()
        #expect(text.contains("baton_events_total \(events.count)\n"))
        for status in ["done", "pending", "dead", "cancelled"] {
            let n = events.filter { $0.status.rawValue == status }.count
            #expect(text.contains("baton_events{status=\"\(status)\"} \(n)\n") == (n > 0), "\(status) \(n)")
        }
        let outbox = try r.store.outbox()
        for action in Set(outbox.map(\.action)) {
            let mine = outbox.filter { $0.action == action }
            #expect(text.contains("baton_actions_total{action=\"\(action)\"} \(mine.count)\n"), "\(action)")
            for status in Set(mine.map(\.status)) {
                let n = mine.filter { $0.status == status }.count
                #expect(text.contains("baton_actions{action=\"\(action)\",status=\"\(status.rawValue)\"} \(n)\n"))
            }
        }
        let answered = try await KPIs.measure(r.store, blueprint: try DeadLetterTests.blueprint()).leadsAnswered
        #expect(answered > 0)
        #expect(text.contains("baton_lead_response_seconds_count \(answered)\n"))
        #expect(text.contains("baton_lead_response_seconds_bucket{le=\"+Inf\"} \(answered)\n"))
    }
}
