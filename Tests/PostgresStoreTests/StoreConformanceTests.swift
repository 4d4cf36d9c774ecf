import BatonTestSupport
import Blueprint
import Foundation
import PostgresStore
import Testing

@testable import Orchestrator

/// The runtime's store semantics, the same on both stores: every test runs on the SQLite store and
/// on the PostgreSQL store (a throwaway server started by the test process, a fresh tenant each).
@Suite("Store conformance", .serialized)
struct StoreConformanceTests {
    @Test("idempotent intake: one event per key, the first answers repeats, another body is refused", arguments: StoreKind.allCases)
    func idempotentIntake(kind: StoreKind) async throws {
        let store = try await kind.make(clock: TestClock())
        var random = SplitMix(state: 16)
        // 400 generated submissions over 120 keys (and some without a key), in random groups.
        var submissions: [IntakeEvent] = []
        for index in 0..<400 {
            let key = Int.random(in: 0..<150, using: &random)
            let keyed = key < 120
            let body = Int.random(in: 0..<3, using: &random) == 0 ? "other-\(index)" : "body-\(key)"
            submissions.append(
                try IntakeEvent(
                    type: "lead.received", caseID: "case-\(key % 40)", payload: ["text": body, "weird": "é\"\\\n"],
                    producer: "intake", idempotencyKey: keyed ? "intake:test:\(key)" : nil))
        }
        var firstBody: [String: String] = [:]
        var firstID: [String: Int64] = [:]
        var stored = 0
        var offset = 0
        while offset < submissions.count {
            let size = Int.random(in: 1...25, using: &random)
            let group = Array(submissions[offset..<min(submissions.count, offset + size)])
            offset += size
            let results = try await store.store(group: group)
            #expect(results.count == group.count)
            for (event, result) in zip(group, results) {
                guard let key = event.idempotencyKey else {
                    #expect(try result.get().isNew)
                    stored += 1
                    continue
                }
                if let body = firstBody[key] {
                    if body == event.payloadJSON {
                        let again = try result.get()
                        #expect(!again.isNew && again.id == firstID[key])
                    } else {
                        #expect(throws: IntakeRefusal.self) { try result.get() }
                        if case .failure(let error as IntakeRefusal) = result {
                            #expect(error.isKeyReused && error.firstEvent?.id == firstID[key])
                        }
                    }
                } else {
                    let first = try result.get()
                    #expect(first.isNew && first.caseID == event.caseID)
                    firstBody[key] = event.payloadJSON
                    firstID[key] = first.id
                    stored += 1
                }
            }
        }
        let facts = try await store.metricsFacts(at: store.clock())
        #expect(facts.totals["events"] == stored)
        #expect(facts.ready == stored)
        #expect(Set(firstID.values).count == firstID.count)
    }

    @Test("a used signature is refused, in the same group and after", arguments: StoreKind.allCases)
    func replayedSignature(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        let signature = UsedSignature(signature: "abc", expiresAt: clock.now.addingTimeInterval(300))
        let event = try IntakeEvent(
            type: "lead.received", caseID: "c", payload: ["a": "1"], producer: "intake", signature: signature)
        let results = try await store.store(group: [event, event])
        #expect(try results[0].get().isNew)
        #expect(results[1].isReplay)
        let later = try await store.store(group: [event])
        #expect(later[0].isReplay)
    }

    @Test("versioned context: a write over a version that moved on changes nothing", arguments: StoreKind.allCases)
    func versionedContext(kind: StoreKind) async throws {
        let store = try await kind.make(clock: TestClock())
        var random = SplitMix(state: 7)
        var expected: [String: (notes: [String: [String: String]], version: Int)] = [:]
        for step in 0..<300 {
            let caseID = "case-\(Int.random(in: 0..<12, using: &random))"
            let current = expected[caseID]?.version ?? 0
            // Mostly the version read; sometimes a stale or a future one (another writer got there first).
            let read = Int.random(in: 0..<4, using: &random) == 0 ? current + Int.random(in: -2...2, using: &random) : current
            let notes = ["agent-\(step % 3)": ["step": "\(step)", "text": "ü \"q\" \\ \(step)"]]
            let written = try await store.transaction { tx in
                try tx.writeContext(
                    caseID: caseID, contextJSON: StringMapJSON.encode(notes), version: read + 1, expected: read)
            }
            let shouldWrite = read == current || (current == 0 && expected[caseID] == nil)
            #expect(written == shouldWrite, "step \(step): read \(read), stored \(current)")
            if written { expected[caseID] = (notes, read + 1) }
        }
        for (caseID, want) in expected {
            let got = try await store.contextAsync(caseID: caseID)
            #expect(got.version == want.version && got.notes == want.notes)
        }
        #expect(try await store.contextAsync(caseID: "never").version == 0)
    }

    @Test("a transaction is all or nothing, a savepoint rolls back alone", arguments: StoreKind.allCases)
    func allOrNothing(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await store.transaction { tx in
                try tx.appendAudit(at: clock.now, caseID: "c", agent: nil, kind: .event, detail: "lost")
                throw Boom()
            }
        }
        try await store.transaction { tx in
            try tx.appendAudit(at: clock.now, caseID: "c", agent: nil, kind: .event, detail: "kept")
            try? tx.atomically {
                try tx.appendAudit(at: clock.now, caseID: "c", agent: nil, kind: .event, detail: "undone")
                throw Boom()
            }
        }
        #expect(try await store.auditAsync(caseID: "c").map(\.detail) == ["kept"])
        // A refused write (a duplicate key) is the store refusing, not failing.
        do {
            try await store.transaction { tx in
                _ = try tx.insertEvent(
                    EmittedEventRow(
                        type: "x", caseID: "c", causationID: 1, payloadJSON: "{}", producer: "a", status: .pending,
                        createdAt: clock.now, dueAt: nil))
                try tx.recordLedger(key: "k", vendor: "v", amount: "1", at: clock.now)
                try tx.recordLedger(key: "k", vendor: "v", amount: "2", at: clock.now)
            }
        } catch {
            Issue.record("a repeated ledger key is ignored, not an error: \(error)")
        }
    }

    @Test("outbox: once per key, each due item dispatched once, none after it is sent", arguments: StoreKind.allCases)
    func outboxAtMostOnce(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        var random = SplitMix(state: 3)
        var keys: Set<String> = []
        let kinds: [ActionKind] = [.emailSend, .calendarBook, "crm.update", "webhook.post"]
        for _ in 0..<300 {
            let key = "k\(Int.random(in: 0..<200, using: &random))"
            let action = kinds[Int.random(in: 0..<kinds.count, using: &random)]
            let queued = try await store.transaction { tx in
                try tx.queueAction(
                    key: key, caseID: "case-\(key.count)", agent: "agent", action: action, payloadJSON: "{}",
                    at: clock.now)
            }
            #expect(queued == keys.insert(key).inserted)
        }
        var seen: Set<Int64> = []
        for lane in DispatchLane.allCases {
            let items = try await store.dueActions(limit: 1000, lane: lane, at: clock.now)
            for item in items {
                #expect(seen.insert(item.id ?? -1).inserted, "item \(item.id ?? -1) in two lanes")
                #expect(lane == .other ? !DispatchLane.laneKinds.contains(item.action) : lane.kinds.contains(item.action))
            }
            try await store.transaction { tx in
                for item in items { try tx.markSent(item.id ?? 0, attempts: 1, at: clock.now) }
            }
        }
        #expect(seen.count == keys.count)
        #expect(try await store.dueActions(limit: 1000, lane: nil, at: clock.now).isEmpty)
        let facts = try await store.metricsFacts(at: clock.now)
        #expect(kinds.map { facts.totals["actions.\($0.rawValue)"] ?? 0 }.reduce(0, +) == keys.count)
    }

    @Test("a failed item comes back at its next attempt, not before", arguments: StoreKind.allCases)
    func outboxRetry(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        _ = try await store.transaction { tx in
            try tx.queueAction(key: "k", caseID: "c", agent: "a", action: .emailSend, payloadJSON: "{}", at: clock.now)
        }
        var item = try #require(try await store.dueActions(limit: 10, lane: .email, at: clock.now).first)
        item.attempts = 1
        item.lastError = "busy"
        item.nextAttemptAt = clock.now.addingTimeInterval(60)
        try await store.transaction { [item] tx in try tx.updateOutboxItem(item) }
        #expect(try await store.dueActions(limit: 10, lane: .email, at: clock.now).isEmpty)
        clock.advance(61)
        let again = try await store.dueActions(limit: 10, lane: .email, at: clock.now)
        #expect(again.map(\.id) == [item.id] && again.first?.attempts == 1 && again.first?.lastError == "busy")
        #expect(try await store.emailsBefore(item.id! + 1, caseID: "c") == 1)
    }

    @Test("the step read: cases in order, busy cases left out, finished events gone, moot delays", arguments: StoreKind.allCases)
    func stepRead(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        var random = SplitMix(state: 11)
        var ids: [Int64] = []
        for index in 0..<200 {
            let event = try IntakeEvent(
                type: "lead.received", caseID: "case-\(Int.random(in: 0..<30, using: &random))",
                payload: ["n": "\(index)"], producer: "intake")
            ids.append(try await store.submit(event))
        }
        let excluded: Set<String> = ["case-3", "case-4"]
        let snapshot = try await store.readStep(limit: 1000, excluding: excluded, busyTimes: false, at: clock.now)
        let read = snapshot.cases.flatMap { $0.events.compactMap(\.id) }
        #expect(snapshot.cases.allSatisfy { !excluded.contains($0.caseID) })
        #expect(Set(read).count == read.count)
        for snapshotCase in snapshot.cases {
            #expect(snapshotCase.events.compactMap(\.id) == snapshotCase.events.compactMap(\.id).sorted())
            #expect(snapshotCase.events.allSatisfy { $0.caseID == snapshotCase.caseID })
        }
        let firstIDs = snapshot.cases.compactMap { $0.events.first?.id }
        #expect(firstIDs == firstIDs.sorted())
        // Finish every event read: the next read has only the excluded cases' events.
        let (finished, again) = try await store.transaction { tx in
            (try read.map { try tx.finishEvent($0, as: .done) }, try read.map { try tx.finishEvent($0, as: .done) })
        }
        #expect(finished.allSatisfy { $0 } && again.allSatisfy { !$0 })
        let rest = try await store.readStep(limit: 1000, excluding: [], busyTimes: false, at: clock.now)
        #expect(Set(rest.cases.map(\.caseID)).isSubset(of: excluded))
        #expect(rest.cases.flatMap(\.events).count == ids.count - read.count)
        // A delayed step is due at its time, and moot once the other side wrote on the case.
        let delayed = try await store.transaction { tx in
            try tx.insertEvent(
                EmittedEventRow(
                    type: "followup.due", caseID: "late", causationID: 1, payloadJSON: "{}", producer: "agent",
                    status: .pending, createdAt: clock.now, dueAt: clock.now.addingTimeInterval(3600)))
        }
        let early = try await store.readStep(limit: 1000, excluding: excluded, busyTimes: false, at: clock.now)
        #expect(!early.cases.contains { $0.caseID == "late" })
        try await store.submit(try IntakeEvent(type: "reply", caseID: "late", payload: [:], producer: "intake"))
        clock.advance(3601)
        let due = try await store.readStep(limit: 1000, excluding: excluded, busyTimes: false, at: clock.now)
        let late = try #require(due.cases.first { $0.caseID == "late" })
        #expect(late.events.map(\.id).contains(delayed) && late.moot == [delayed])
    }

    @Test("approvals: stored, an override open until a revision answers it", arguments: StoreKind.allCases)
    func approvalOverride(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        let approval = ApprovalRecord(
            storedID: nil, caseID: "c", agent: "writer", action: .emailSend, proposedJSON: #"{"body":"hi"}"#,
            reason: "first contact", status: .overridden, createdAt: clock.now)
        let id = try await store.transaction { tx in try tx.insertApproval(approval) }
        #expect(try await store.transaction { tx in try tx.openOverride(id, caseID: "c") }?.reason == "first contact")
        #expect(try await store.transaction { tx in try tx.openOverride(id, caseID: "other") } == nil)
        var revision = approval
        revision.status = .pending
        revision.revises = id
        _ = try await store.transaction { [revision] tx in try tx.insertApproval(revision) }
        #expect(try await store.transaction { tx in try tx.openOverride(id, caseID: "c") } == nil)
        #expect(try await store.metricsFacts(at: clock.now).approvalsPending == 1)
    }

    @Test("audit: lines by time and kind, counted by agent", arguments: StoreKind.allCases)
    func audit(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        var random = SplitMix(state: 5)
        let kinds: [AuditKind] = [.event, .dead, .unreadable, "skill", "sent"]
        var written: [(at: Date, agent: String?, kind: AuditKind)] = []
        try await store.transaction { [clock] tx in
            var random = SplitMix(state: 5)
            for index in 0..<300 {
                let at = clock.now.addingTimeInterval(Double(Int.random(in: 0..<86_400, using: &random)) + 0.123)
                let agent = Int.random(in: 0..<3, using: &random) == 0 ? nil : "agent-\(index % 2)"
                let kind = kinds[Int.random(in: 0..<kinds.count, using: &random)]
                try tx.appendAudit(
                    at: at, caseID: "c\(index % 7)", agent: agent, kind: kind, detail: "line \(index)",
                    notesJSON: index % 5 == 0 ? StringMapJSON.encode(["k": "v"]) : nil)
            }
        }
        for index in 0..<300 {
            let at = clock.now.addingTimeInterval(Double(Int.random(in: 0..<86_400, using: &random)) + 0.123)
            let agent = Int.random(in: 0..<3, using: &random) == 0 ? nil : "agent-\(index % 2)"
            written.append((at, agent, kinds[Int.random(in: 0..<kinds.count, using: &random)]))
        }
        let from = clock.now.addingTimeInterval(3600)
        let to = clock.now.addingTimeInterval(40_000)
        let inRange = written.filter { $0.at >= from && $0.at < to }
        let lines = try await store.auditLines(from: from, to: to, kinds: [.dead, "skill"])
        #expect(lines.count == inRange.filter { $0.kind == .dead || $0.kind == "skill" }.count)
        #expect(lines.compactMap(\.id) == lines.compactMap(\.id).sorted())
        let counts = try await store.auditCounts(from: from, to: to)
        #expect(counts.map(\.count).reduce(0, +) == inRange.count)
        for count in counts {
            #expect(count.count == inRange.filter { $0.agent == count.agent && $0.kind == count.kind }.count)
        }
        let all = try await store.auditAsync(caseID: nil)
        #expect(all.count == 300 && all.filter { !$0.notes.isEmpty }.count == 60)
    }

    @Test("schedules: when a job last ran, to the millisecond", arguments: StoreKind.allCases)
    func schedules(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        #expect(try await store.lastRun("daily-report") == nil)
        for step in 0..<50 {
            let at = clock.now.addingTimeInterval(Double(step) * 3600.0 + 0.25)
            try await store.transaction { tx in try tx.setLastRun("daily-report", at: at) }
            let read = try #require(try await store.lastRun("daily-report"))
            #expect(abs(read.timeIntervalSince(at)) < 0.001)
        }
        #expect(try await store.lastRun("other") == nil)
    }

    @Test("metrics: running totals, cancelled events, dead letters, the lead response histogram", arguments: StoreKind.allCases)
    func metrics(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        let lead = try await store.submit(try IntakeEvent(type: "lead.received", caseID: "L", payload: [:], producer: "intake"))
        let other = try await store.submit(try IntakeEvent(type: "note", caseID: "M", payload: [:], producer: "intake"))
        let changed = try await store.transaction { tx in
            let finished = try tx.finishEvent(lead, as: .done)
            let failed = try tx.recordEventFailure(
                other, waiting: .pending, status: .dead, attempts: 5, error: "no", deadAt: clock.now)
            try tx.queueAction(key: "reply", caseID: "L", agent: "w", action: .emailSend, payloadJSON: "{}", at: clock.now)
            return finished && failed
        }
        #expect(changed)
        let item = try #require(try await store.dueActions(limit: 5, lane: nil, at: clock.now).first)
        try await store.transaction { tx in try tx.markSent(item.id!, attempts: 1, at: clock.now.addingTimeInterval(4.5)) }
        let facts = try await store.metricsFacts(at: clock.now)
        #expect(facts.totals["events"] == 2 && facts.totals["actions.email.send"] == 1)
        #expect(facts.totals["lead_response.5"] == 1 && facts.totals["lead_response_ms"] == 4500)
        #expect(facts.dead == 1 && facts.ready == 0)
        let dead = try await store.deadLetters(from: clock.now.addingTimeInterval(-1), to: clock.now.addingTimeInterval(1))
        #expect(dead.map(\.id) == [other] && dead.first?.lastError == "no")
    }
}

extension Result where Failure == any Error {
    /// Whether the store refused this submission as a replayed signature.
    fileprivate var isReplay: Bool {
        if case .failure(let error as IntakeRefusal) = self { return error.isReplay }
        return false
    }
}
