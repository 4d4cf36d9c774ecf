import BatonTestSupport
import Blueprint
import Foundation
import Outcomes
import Reports
import Testing

@testable import Orchestrator

/// Customers writing in to the dental example's clinic over two weeks, on an injected clock: the
/// questions the support triage answers at once, complaints answered after the owner approves,
/// refund requests and unclear messages left to a person, questions without an address nobody can
/// answer; leads beside them that are not inquiries. The test keeps when each inquiry came and when
/// its first answer left, and computes the figures from that.
struct InquiryScenario {
    /// One inquiry as the test sent and saw it.
    struct Sent {
        var received: Date
        var answered: Date?
        /// Without an answer, whether a person is asked (an approval, an escalation).
        var waitsForPerson: Bool
    }

    let assessment: OutcomeReviewTests.Assessment
    let store: RuntimeStore
    let clock: OutcomeReviewTests.Clock
    let folder: String
    var inquiries: [String: Sent] = [:]

    /// Monday 2 March 2026, midnight in Vancouver (the clinic's time zone).
    static let monday = Date(timeIntervalSince1970: 1_772_438_400)

    static let messages: [(kind: String, text: String)] = [
        ("question", "What are your hours on Saturday?"), ("complaint", "I am very unhappy with my cleaning."),
        ("refund", "I want a refund for the missed appointment."), ("unclear", "Bonjour."),
    ]

    /// Runs `plan` (days from ``monday`` and how many inquiries each), calling `tick` after each
    /// inquiry is handled, with what was sent so far.
    static func run(
        seed: UInt64, plan: [(day: Int, count: Int)], tick: (InquiryScenario) async throws -> Void = { _ in }
    ) async throws -> InquiryScenario {
        let a = try OutcomeReviewTests.assessment("dental-clinic", id: 2)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-inquiry-\(UUID().uuidString)")
            .path
        let clock = OutcomeReviewTests.Clock(monday)
        let store = try RuntimeStore(folder: folder, clock: { clock.date })
        var s = InquiryScenario(assessment: a, store: store, clock: clock, folder: folder)
        let engine = Engine(blueprint: a.blueprint, store: store)
        let dispatcher = Dispatcher(
            store: store, blueprint: a.blueprint, emailFolder: folder + "/outbox", from: "clinic@example.com")
        func work() async throws {
            try await engine.runUntilIdle()
            while try await dispatcher.dispatch() > 0 {}
        }
        func firstEmail(_ caseID: String) throws -> Bool {
            try store.outbox().contains {
                $0.caseID == caseID && ($0.action == .emailSend || $0.action == .complaintReply) && $0.status == .sent
            }
        }
        var random = SplitMix(seed: seed)
        var complaints: [String] = []
        for (day, count) in plan {
            for n in 0..<count {
                let caseID = "q\(day)-\(n)"
                // From 08:00 in Vancouver, about one an hour.
                clock.set(
                    monday.addingTimeInterval(
                        Double(day) * 86_400 + 8 * 3_600 + Double(n) * 3_000 + Double(random.below(1_200))))
                let message = messages[random.below(messages.count)]
                var payload: [String: Any] = ["name": "Pat \(caseID)", "message": message.text]
                // One question in five comes without an address: nobody can answer it.
                if message.kind != "question" || random.below(5) > 0 { payload["email"] = "\(caseID)@example.com" }
                try store.submit(type: "inquiry.received", caseID: caseID, payload: payload, producer: "intake")
                s.inquiries[caseID] = Sent(received: clock.date, answered: nil, waitsForPerson: false)
                // A lead now and then: not an inquiry, whatever it says.
                if random.below(4) == 0 {
                    try store.submit(
                        type: "lead.received", caseID: "lead-\(caseID)", payload: LeadFlowTests.lead, producer: "intake"
                    )
                }
                clock.advance(20 + Double(random.below(900)))
                try await work()
                if try firstEmail(caseID) { s.inquiries[caseID]?.answered = clock.date }
                s.inquiries[caseID]?.waitsForPerson = message.kind != "question"
                if message.kind == "complaint" { complaints.append(caseID) }
                try await tick(s)
            }
            // The owner approves the day's complaint replies but the last, an hour or three later.
            for caseID in complaints.dropLast() {
                clock.advance(3_600 + Double(random.below(7_200)))
                let approval = try #require(
                    try store.approvals().first { $0.caseID == caseID && $0.status == .pending })
                try Approvals(store: store).approve(approval.id!)
                try await work()
                #expect(try firstEmail(caseID))
                s.inquiries[caseID]?.answered = clock.date
                try await tick(s)
            }
            complaints = Array(complaints.suffix(1))
        }
        return s
    }

    /// Minutes to each first answer, or the wait so far at `now`, of the inquiries received in `[from, to)`.
    func minutes(from: Date, to: Date, now: Date) -> [Double] {
        inquiries.values.filter { $0.received >= from && $0.received < to }.map {
            let end = $0.answered.map { min($0, now) } ?? now
            return max(0, end.timeIntervalSince($0.received) / 60)
        }.sorted()
    }

    /// The nearest-rank percentile, as the figures take it.
    static func rank(_ sorted: [Double], _ p: Double) -> Double? {
        sorted.isEmpty ? nil : sorted[Int((p * Double(sorted.count - 1)).rounded())]
    }
}

struct InquiryKPITests {
    /// Week one busy, week two with three inquiries: too few to say.
    static let plan: [(day: Int, count: Int)] = [(0, 5), (1, 4), (2, 6), (3, 3), (4, 5), (8, 1), (10, 1), (11, 1)]

    @Test(arguments: [UInt64(3), 15, 77])
    func theFirstAnswerIsMeasuredFromTheInquiriesSent(seed: UInt64) async throws {
        let s = try await InquiryScenario.run(seed: seed, plan: Self.plan)
        let blueprint = s.assessment.blueprint
        let kpi = try #require(blueprint.kpis.first { $0.id == "inquiry_first_response" })

        // The store's ledger: every inquiry once, none of the leads.
        let ledger = try await s.store.inquiryLedger(from: .distantPast, to: .distantFuture)
        #expect(Set(ledger.map(\.caseID)) == Set(s.inquiries.keys))
        for record in ledger {
            let sent = try #require(s.inquiries[record.caseID])
            #expect(record.received == sent.received && record.answered == sent.answered, "\(record.caseID)")
            #expect(record.waitingForPerson == (sent.answered == nil && sent.waitsForPerson), "\(record.caseID)")
        }

        // The snapshot on the Monday after the two weeks.
        s.clock.set(InquiryScenario.monday.addingTimeInterval(14 * 86_400 + 3_600))
        let now = s.clock.date
        let snapshot = try await OutcomeSnapshot.measure(
            s.store, blueprint: blueprint, blueprintDigest: "sha256:test", since: LocalDate(iso: "2026-03-02"),
            until: LocalDate(iso: "2026-03-15"), exportedBy: "test")
        let minutes = s.minutes(from: .distantPast, to: .distantFuture, now: now)
        let total = try #require(snapshot.total.inquiryFirstAnswer)
        #expect(total.sample == s.inquiries.count)
        #expect(total.p50Minutes == InquiryScenario.rank(minutes, 0.5))
        #expect(total.p90Minutes == InquiryScenario.rank(minutes, 0.9))
        #expect(total.targetMinutes == kpi.target)
        #expect(total.withinTarget == Double(minutes.filter { $0 <= kpi.target }.count) / Double(minutes.count))
        let counts = try #require(snapshot.total.inquiries)
        let answered = s.inquiries.values.filter { $0.answered != nil }.count
        let waiting = s.inquiries.values.filter { $0.answered == nil && $0.waitsForPerson }.count
        #expect(
            counts
                == InquiryCounts(
                    received: s.inquiries.count, answered: answered, waitingForPerson: waiting,
                    unanswered: s.inquiries.count - answered - waiting))
        #expect(answered > 0 && waiting > 0)
        // Leads stay leads: none of them is an inquiry, all of them are in the leads' figures.
        #expect(snapshot.total.leads.received > 0)

        // The KPI: measured, the median over every inquiry; week two too few to say.
        let measured = try #require(snapshot.kpis.first { $0.id == kpi.id })
        #expect(measured.method == .measured && measured.sample == s.inquiries.count)
        #expect(measured.actual == InquiryScenario.rank(minutes, 0.5) && measured.confidence == .low)
        #expect(measured.weekly.count == 2 && measured.weekly[0] != nil && measured.weekly[1] == nil)
        #expect(snapshot.weeks[1].inquiryFirstAnswer?.confidence == .tooFew)
        #expect(measured.note.contains("over \(s.inquiries.count) inquiries"), "\(measured.note)")
        // The snapshot reads back whole, sealed.
        let text = try SnapshotFile.write(snapshot)
        let loaded = try SnapshotFile.read(Data(text.utf8), file: "kpis.json")
        #expect(loaded.intact && loaded.snapshot.total.inquiries == snapshot.total.inquiries)
        #expect(!text.contains("example.com") && !text.contains("Pat q"))

        // The review's Baseline and actual: the figure, its sample and how sure, no longer "not measured".
        let report = ReportInput(
            result: s.assessment.result, assessmentID: 2, date: now, notes: [], branding: .standard, paper: .letter,
            model: s.assessment.model, blueprint: blueprint)
        let review = try ReviewInput.build(
            report: report, profile: s.assessment.profile, loaded: loaded,
            answersFingerprint: try #require(blueprint.provenance).answersFingerprint)
        let markdown = try ReviewRenderer(folder: OutcomeReviewTests.root.appendingPathComponent("templates").path)
            .render(review, as: .md)
        let row = try #require(
            markdown.split(separator: "\n").first { $0.hasPrefix("| Customer question first-answer time |") })
        #expect(!row.contains("not measured") && row.hasSuffix("| \(s.inquiries.count) | low |"), "\(row)")

        // KPIs of one day, and the daily report's line, from the same inquiries.
        let tuesday = InquiryScenario.monday.addingTimeInterval(86_400)
        let day = try await KPIs.measure(
            s.store, blueprint: blueprint, from: tuesday, to: tuesday.addingTimeInterval(86_400))
        let dayMinutes = s.minutes(from: tuesday, to: tuesday.addingTimeInterval(86_400), now: now)
        #expect(day.inquiriesReceived == dayMinutes.count)
        #expect(day.inquiryFirstAnswerP50Minutes == InquiryScenario.rank(dayMinutes, 0.5))
        #expect(day.inquiryFirstAnswerP90Minutes == InquiryScenario.rank(dayMinutes, 0.9))
        let daily = try await DailyReport(s.store, blueprint: blueprint, day: tuesday.addingTimeInterval(43_200))
        let p50 = DailyReport.minutes(InquiryScenario.rank(dayMinutes, 0.5))
        #expect(
            daily.progress.contains(
                "Customer question first-answer time: median \(p50) over \(dayMinutes.count) inquiries, too few to be sure (baseline 180 min, target 60 min)"
            ), "\(daily.progress)")
        #expect(daily.markdown.contains("- customer inquiries answered: "), "\(daily.markdown)")
    }

    /// A day without inquiries says so; an inquiry on a lead's case is the lead's; a second message
    /// on a case is not a second inquiry; an answer that is not an email is no answer.
    @Test func edgesOfWhatCountsAsAnInquiry() async throws {
        let blueprint = try SupportTriageTests.dental()
        let clock = OutcomeReviewTests.Clock(InquiryScenario.monday.addingTimeInterval(9 * 3_600))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-inquiry-\(UUID().uuidString)")
            .path
        let store = try RuntimeStore(folder: folder, clock: { clock.date })
        let quiet = try await DailyReport(store, blueprint: blueprint, day: clock.date)
        #expect(quiet.progress.contains { $0.hasPrefix("Customer question first-answer time: no inquiries today (") })
        #expect(!quiet.markdown.contains("customer inquiries answered"))

        try store.submit(type: "lead.received", caseID: "both", payload: LeadFlowTests.lead, producer: "intake")
        try store.submit(
            type: "inquiry.received", caseID: "both", payload: ["message": "What are your hours?"], producer: "intake")
        let first = clock.date
        try store.submit(
            type: "inquiry.received", caseID: "twice", payload: ["message": "What are your hours?"], producer: "intake")
        clock.advance(86_400)
        try store.submit(
            type: "inquiry.received", caseID: "twice", payload: ["message": "And on Sunday?"], producer: "intake")
        let ledger = try await store.inquiryLedger(from: .distantPast, to: .distantFuture)
        #expect(ledger.map(\.caseID) == ["twice"] && ledger.first?.received == first)
        // The second message's day holds no inquiry: it is the first day's.
        #expect(try await store.inquiryLedger(from: clock.date.addingTimeInterval(-60), to: .distantFuture).isEmpty)
        // Without an address nobody can be answered; nothing waits for a person: unanswered.
        try await Engine(blueprint: blueprint, store: store).runUntilIdle()
        let kpis = try await KPIs.measure(store, blueprint: blueprint)
        #expect(kpis.inquiriesReceived == 1 && kpis.inquiriesAnswered == 0)
        #expect(abs((kpis.inquiryFirstAnswerP50Minutes ?? 0) - 1440) < 1e-6, "\(String(describing: kpis))")
        #expect(try await store.inquiryLedger(from: .distantPast, to: .distantFuture).first?.waitingForPerson == false)
    }

    /// A snapshot from before inquiries were measured still reads (the fields are optional), and a
    /// negative inquiry count is refused like any other.
    @Test func oldSnapshotsReadAndNegativeInquiryCountsAreRefused() throws {
        let root = OutcomeReviewTests.root
        let fixture = root.appendingPathComponent(
            "questionnaires/smb-ai-readiness/examples/plumbing-contractor.kpis.json")
        var json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as? [String: Any])
        func strip(_ period: Any) -> Any {
            guard var p = period as? [String: Any] else { return period }
            p["inquiries"] = nil
            p["inquiry_first_answer"] = nil
            return p
        }
        json["total"] = strip(json["total"] as Any)
        json["weeks"] = (json["weeks"] as? [Any])?.map(strip)
        json["days"] = (json["days"] as? [Any])?.map(strip)
        let old = try JSONSerialization.data(withJSONObject: json)
        let loaded = try SnapshotFile.read(old, file: "old.json")
        #expect(loaded.snapshot.total.inquiries == nil && loaded.snapshot.total.inquiryFirstAnswer == nil)
        // Its KPIs read as written; none of them is about inquiries in the plumbing example.
        #expect(loaded.snapshot.kpis.first?.id == "lead_first_response")

        var total = try #require(json["total"] as? [String: Any])
        total["inquiries"] = ["received": 1, "answered": -1, "waiting_for_person": 0, "unanswered": 0]
        json["total"] = total
        #expect(throws: SnapshotError.self) {
            try SnapshotFile.read(try JSONSerialization.data(withJSONObject: json), file: "bad.json")
        }
    }
}
