import BatonTestSupport
import Foundation
import Testing

@testable import Orchestrator

/// The operator's commands, the same on both stores: case pages and their cursors, a case's events,
/// dead letters put back, pruning, case tokens, the pending listing and the contacts.
@Suite("Operator conformance", .serialized)
struct OperatorConformanceTests {
    /// Case ids and emails with quotes, SQL, wildcards and Unicode (composed only: both stores compare bytes).
    static let odd = ["plain", "o'neil", "\"q\"", "'; DROP TABLE event; --", "100%", "a_b", "é", "🔧", "tab\there", "UPPER"]

    @Test("case pages show every case once, newest first, over any page size; bad cursors refused", arguments: StoreKind.allCases)
    func casePages(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        var random = SplitMix(state: 11)
        var opened: [String] = []  // cases in the order their first event was stored
        var latest: [String: String] = [:]
        var counts: [String: Int] = [:]
        for index in 0..<300 {
            let caseID = "\(random.pick(Self.odd))-\(random.below(60))"
            let type = random.pick(["lead.received", "email.received", "note.added"])
            try await store.submit(try IntakeEvent(type: type, caseID: caseID, payload: ["n": "\(index)"], producer: "test"))
            if counts[caseID] == nil { opened.append(caseID) }
            counts[caseID, default: 0] += 1
            latest[caseID] = type
            if random.chance(30) { clock.advance(Double(random.below(5000)) / 1000) }
        }
        for _ in 0..<12 {
            let size = 1 + random.below(25)
            var seen: [CaseSummary] = []
            var cursor: String?
            repeat {
                let page = try await store.casePage(limit: size, after: cursor)
                #expect(page.cases.count <= size)
                seen += page.cases
                cursor = page.next
            } while cursor != nil
            #expect(seen.map(\.id) == opened.reversed())
            #expect(seen.allSatisfy { $0.events == counts[$0.id] && $0.latestEvent == latest[$0.id] })
            #expect(seen.allSatisfy { $0.latestAt >= $0.openedAt })
        }
        for caseID in opened.prefix(20) {
            let events = try await store.caseEvents(caseID)
            #expect(events.count == counts[caseID] && events.compactMap(\.id) == events.compactMap(\.id).sorted())
            #expect(events.allSatisfy { $0.caseID == caseID } && events.last?.type == latest[caseID])
        }
        #expect(try await store.caseEvents("nobody").isEmpty)
        for cursor in ["", "abc", "-1", "0", "1.5", " 3", "9223372036854775808", "'; DROP TABLE event; --", "3\u{0}"] {
            await #expect(throws: CaseCursorError.self) { try await store.casePage(limit: 5, after: cursor) }
        }
    }

    @Test("dead letters go back once, with their tries reset and a line on their case", arguments: StoreKind.allCases)
    func retries(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        var ids: [Int64] = []
        for index in 0..<40 {
            ids.append(
                try await store.submit(
                    try IntakeEvent(type: "lead.received", caseID: "case-\(index % 7)", payload: [:], producer: "test")))
        }
        let dead = ids.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        try await store.transaction { [clock] tx in
            for id in dead {
                _ = try tx.recordEventFailure(
                    id, waiting: .pending, status: .dead, attempts: 5, error: "boom '\(id)'", deadAt: clock.now)
            }
        }
        for id in dead {
            let event = try await store.retryDeadLetter(id)
            #expect(event.id == id && event.status == .pending && event.attempts == 0)
            #expect(event.lastError == nil && event.deadAt == nil)
            await #expect(throws: EventRetryError.self) { try await store.retryDeadLetter(id) }
        }
        for id in ids.filter({ !dead.contains($0) }).prefix(5) + [9_999_999] {
            await #expect(throws: EventRetryError.self) { try await store.retryDeadLetter(id) }
        }
        #expect(try await store.deadLetters(from: .distantPast, to: .distantFuture).isEmpty)
        let lines = try await store.auditAsync(caseID: nil).filter { $0.kind == .retried }
        #expect(lines.count == dead.count)
        #expect(lines.map(\.detail) == dead.map { "lead.received #\($0) put back in the queue by a person (it had failed with: boom '\($0)')" })
        let step = try await store.readStep(limit: 100, excluding: [], busyTimes: false, at: clock.now)
        #expect(step.cases.flatMap(\.events).count == ids.count)
    }

    @Test("pruning removes closed cases' detail before the cut, keeps open cases and figures; twice removes nothing more", arguments: StoreKind.allCases)
    func prune(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        var events: [String: [Int64]] = [:]
        let cases = (0..<6).map { "closed-\($0)" } + ["open-pending", "open-queued", "open-approval", "open-late"]
        for (index, caseID) in cases.enumerated() {
            for n in 0...(index % 3) {
                events[caseID, default: []].append(
                    try await store.submit(
                        try IntakeEvent(type: "lead.received", caseID: caseID, payload: ["n": "\(n)"], producer: "test")))
            }
        }
        try await store.transaction { [clock, events] tx in
            for (caseID, ids) in events where caseID != "open-pending" {
                for id in ids { _ = try tx.finishEvent(id, as: .done) }
                _ = try tx.writeContext(
                    caseID: caseID, contextJSON: StringMapJSON.encode(["writer": ["draft": "hi"]]), version: 1, expected: 0)
                try tx.appendAudit(
                    at: clock.now, caseID: caseID, agent: "writer", kind: .approved, detail: "said",
                    notesJSON: StringMapJSON.encode(["a": "b"]))
                try tx.appendAudit(at: clock.now, caseID: caseID, agent: nil, kind: .failed, detail: "kept")
            }
            try tx.queueAction(
                key: "q-1", caseID: "open-queued", agent: "writer", action: .emailSend, payloadJSON: #"{"to":"x"}"#, at: clock.now)
            _ = try tx.insertApproval(
                ApprovalRecord(
                    storedID: nil, caseID: "open-approval", agent: "writer", action: .emailSend, proposedJSON: "{}",
                    reason: "first contact", status: .pending, createdAt: clock.now))
        }
        clock.advance(10 * 86400)
        try await store.transaction { [clock] tx in
            try tx.appendAudit(at: clock.now, caseID: "open-late", agent: nil, kind: .approved, detail: "late")
        }
        let cut = clock.now.addingTimeInterval(-86400)
        let summary = try await store.pruneHistory(before: cut)
        let closedEvents = (0..<6).map { events["closed-\($0)"]?.count ?? 0 }.reduce(0, +)
        #expect(summary.closedCases == 6 && summary.openCases == 4)
        #expect(summary.eventPayloads == closedEvents && summary.contexts == 6)
        #expect(summary.outboxPayloads == 0 && summary.approvalEvidence == 0)
        // Every case but open-pending wrote a line with notes and one kept: 9 lose their notes and detail,
        // 9 kept lose nothing; the late line is after the cut.
        #expect(summary.auditLines == 9)
        let again = try await store.pruneHistory(before: cut)
        #expect(again.closedCases == 6 && again.openCases == 4)
        #expect(again.eventPayloads + again.contexts + again.outboxPayloads + again.approvalEvidence + again.auditLines == 0)
        #expect(try await store.caseEvents("closed-2").allSatisfy { $0.payloadJSON == "{}" })
        #expect(try await store.caseEvents("open-queued").allSatisfy { $0.payloadJSON != "{}" })
        #expect(try await store.contextAsync(caseID: "closed-1").version == 2)
        let audit = try await store.auditAsync(caseID: "closed-1")
        #expect(audit.map(\.detail) == ["", "kept"] && audit.allSatisfy { $0.notesJSON == nil })
        #expect(try await store.auditAsync(caseID: "open-late").map(\.detail) == ["", "kept", "late"])
    }

    @Test("case tokens verify for their case only; the pending listing is the pending approvals, oldest first", arguments: StoreKind.allCases)
    func tokensAndListing(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        for caseID in Self.odd {
            let token = try await store.caseLinkToken(for: caseID)
            #expect(try await store.caseLinkToken(for: caseID) == token)
            #expect(try await store.isCaseToken(token, for: caseID))
            #expect(try await !store.isCaseToken(token, for: caseID + "x"))
        }
        let ids = try await ApprovalConformanceTests.seed(store, count: 30, at: clock.now)
        try await store.approve(ids[3], edited: nil)
        try await store.reject(ids[8], reason: "no")
        let listing = try await store.pendingApprovalListing()
        #expect(listing.unreadable.isEmpty && listing.approvals.compactMap(\.id) == ids.filter { $0 != ids[3] && $0 != ids[8] })
    }

    @Test("contacts: imports add new emails and fill only the fields given; listed by email's bytes", arguments: StoreKind.allCases)
    func contacts(kind: StoreKind) async throws {
        let clock = TestClock()
        let store = try await kind.make(clock: clock)
        var random = SplitMix(state: 5)
        var model: [String: CRMContact] = [:]
        for _ in 0..<20 {
            var batch: [CRMContact] = []
            for _ in 0..<(1 + random.below(15)) {
                func field(_ name: String) -> String? { random.chance(40) ? nil : "\(name) \(random.pick(Self.odd))" }
                batch.append(
                    CRMContact(
                        email: "\(random.pick(Self.odd))\(random.below(40))@example.com", name: field("name"),
                        phone: field("phone"), company: field("company"), status: field("status"), notes: field("notes")))
            }
            var added = 0
            for contact in batch {
                if var known = model[contact.email] {
                    known.name = contact.name ?? known.name
                    known.phone = contact.phone ?? known.phone
                    known.company = contact.company ?? known.company
                    known.status = contact.status ?? known.status
                    known.notes = contact.notes ?? known.notes
                    known.updatedAt = clock.now
                    model[contact.email] = known
                } else {
                    added += 1
                    var new = contact
                    new.updatedAt = clock.now
                    model[contact.email] = new
                }
            }
            let result = try await store.saveContacts(batch)
            #expect(result.added == added && result.updated == batch.count - added)
            clock.advance(61)
        }
        let listing = try await store.contactListing()
        #expect(listing.unreadable.isEmpty)
        let expected = model.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.compactMap { model[$0] }
        #expect(listing.contacts == expected)
    }
}
