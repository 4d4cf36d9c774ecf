import BatonTestSupport
import Blueprint
import Foundation
import Outcomes
import Questionnaire
import Reports
import Scoring
import Synchronization
import Testing

@testable import Orchestrator

/// Done means: the plumbing example's blueprint, run on an injected clock through two simulated
/// weeks of leads (answered at once, waiting for approval and approved later, a few left waiting,
/// a few dead letters), exported and reviewed: the measured first-response figures are the ones
/// computed here from the events sent; the chart and projected-vs-realised figures are there; the
/// second week, with too few leads, says so.
struct OutcomeReviewTests {
    final class Clock: Sendable {
        let now: Mutex<Date>
        init(_ start: Date) { now = Mutex(start) }
        func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
        func set(_ date: Date) { now.withLock { $0 = date } }
        var date: Date { now.withLock { $0 } }
    }

    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The assessment of an example (the plumbing contractor numbered 4, as the examples are) and its
    /// blueprint, with hourly limits that never defer and a weak-fit lead waiting for a person.
    struct Assessment {
        let interview: Interview
        let profile: BusinessProfile
        let model: ScoringModel
        let result: AssessmentResult
        let blueprint: Blueprint
    }

    static func assessment(_ example: String = "plumbing-contractor", id: Int64 = 4) throws -> Assessment {
        let folder = root.appendingPathComponent("questionnaires/smb-ai-readiness").path
        let pack = try PackLoader.load(path: folder)
        let file = "\(folder)/examples/\(example).yaml"
        let imported = AnswersImport(
            try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
        let interview = Interview(pack: pack, answers: imported.answers)
        let profile = try BusinessProfile(interview: interview)
        let model = try ScoringModel.load(packFolder: folder)
        let result = try Scorer(model: model).score(profile)
        var blueprint = BlueprintPlanner(catalog: model.catalog).blueprint(
            for: result, profile: profile,
            provenance: BlueprintPlanner.provenance(of: interview, assessmentID: id, date: LeadFlowTests.monday))
        // A weak fit waits for a person (some replies after approval); limits that never defer.
        if let qualifier = blueprint.agents.firstIndex(where: { $0.id == "lead_qualifier" }) {
            blueprint.agents[qualifier].settings["weak_fit"] = .string("wait_for_person")
        }
        for i in blueprint.agents.indices { blueprint.agents[i].limits.actionsPerHour = 10_000 }
        return Assessment(interview: interview, profile: profile, model: model, result: result, blueprint: blueprint)
    }

    /// What the test sent and saw: each lead's arrival and first reply.
    struct Sent {
        var received: Date
        var replied: Date?
    }

    @Test func twoWeeksOfLeadsExportedAndReviewedMatchWhatWasSent() async throws {
        let a = try Self.assessment()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-review-\(UUID().uuidString)")
            .path
        let clock = Clock(LeadFlowTests.monday)
        let store = try RuntimeStore(folder: folder, clock: { clock.date })
        let qualifier = PoisonSkill("lead_qualification", trigger: "first")
        let engine = Engine(
            blueprint: a.blueprint, store: store,
            skills: SkillRegistry.builtIn.registering(qualifier, as: "lead_qualification"))
        let dispatcher = Dispatcher(
            store: store, blueprint: a.blueprint, emailFolder: folder + "/outbox", from: "owner@example.com")
        func work() async throws {
            try await engine.runUntilIdle()
            while try await dispatcher.dispatch() > 0 {}
        }
        var random = SplitMix(seed: 15)
        var sent: [String: Sent] = [:]
        var pendingApprovals: [(caseID: String, at: Date)] = []
        var approvedCount = 0, deadCount = 0
        // Week one: 5 to 7 leads a working day; week two: 3 leads in all (too few to say).
        let plan: [(day: Int, count: Int)] = (0..<5).map { ($0, 5 + random.below(3)) } + [(7, 1), (9, 1), (11, 1)]
        for (day, count) in plan {
            for n in 0..<count {
                let caseID = "d\(day)-\(n)"
                // Spread over the working day, from 09:00 Edmonton.
                clock.set(
                    LeadFlowTests.monday.addingTimeInterval(
                        Double(day) * 86_400 + Double(n) * 3_600 + Double(random.below(1_800))))
                let kind = random.below(10)
                var lead = LeadFlowTests.lead
                lead["name"] = "Lead \(caseID)"
                lead["email"] = "\(caseID)@example.com"
                lead["phone"] = "403-555-01\(10 + n)"
                lead["poison"] = "none"
                if kind >= 6 && kind < 9 {
                    // A weak fit: its reply waits for a person.
                    lead = [
                        "name": "Lead \(caseID)", "email": "\(caseID)@example.com", "message": "hello",
                        "poison": "none",
                    ]
                } else if kind == 9 && deadCount < 3 {
                    lead["poison"] = "first"
                    deadCount += 1
                }
                try store.submit(type: "lead.received", caseID: caseID, payload: lead, producer: "intake")
                sent[caseID] = Sent(received: clock.date)
                // Answered when the runtime next works: half a minute to twenty minutes later.
                clock.advance(30 + Double(random.below(1_170)))
                try await work()
                let reply = try store.outbox().filter {
                    $0.caseID == caseID && $0.action == .emailSend && $0.status == .sent
                }
                if !reply.isEmpty { sent[caseID]?.replied = clock.date }
                if try store.approvals().contains(where: { $0.caseID == caseID && $0.status == .pending }) {
                    pendingApprovals.append((caseID, clock.date))
                }
            }
            // The owner decides what waits, an hour or two later, except the day's last one.
            for (i, pending) in pendingApprovals.enumerated() where i < pendingApprovals.count - 1 {
                clock.advance(3_600 + Double(random.below(3_600)))
                let approval = try #require(
                    try store.approvals().first { $0.caseID == pending.caseID && $0.status == .pending })
                try Approvals(store: store).approve(approval.id!)
                try await work()
                sent[pending.caseID]?.replied = clock.date
                approvedCount += 1
            }
            pendingApprovals = pendingApprovals.suffix(1)
        }
        #expect(deadCount > 0 && approvedCount > 0 && !pendingApprovals.isEmpty)

        // The daily report of the first Monday shows every KPI against its baseline and target.
        let daily = try await DailyReport(store, blueprint: a.blueprint, day: LeadFlowTests.monday)
        #expect(daily.markdown.contains("- Lead first-response time: median "), "\(daily.markdown)")
        #expect(daily.markdown.contains("too few to be sure (baseline 240 min, target 5 min)"), "\(daily.markdown)")
        #expect(daily.markdown.contains("h taken over today, an estimate ("), "\(daily.markdown)")
        let pages = try DailyReportTemplates(folder: Self.root.appendingPathComponent("templates").path)
            .render(daily.templateValues)
        #expect(
            pages.contains { $0.fileExtension == "html" && $0.text.contains("<li>Lead first-response time: median ") })

        // Exported on the Monday after the two weeks.
        clock.set(LeadFlowTests.monday.addingTimeInterval(14 * 86_400))
        let now = clock.date
        let snapshot = try await OutcomeSnapshot.measure(
            store, blueprint: a.blueprint, blueprintDigest: ContentDigest.sha256(try BlueprintFile.yaml(a.blueprint)),
            since: LocalDate(iso: "2026-03-02"), until: LocalDate(iso: "2026-03-15"), exportedBy: "Bow River office")
        let text = try SnapshotFile.write(snapshot)
        // Only aggregates: no lead's name, address or phone.
        for caseID in sent.keys {
            #expect(!text.contains("\(caseID)@example.com") && !text.contains("Lead \(caseID)"))
        }
        #expect(!text.contains("403-555") && !text.contains("example.com"))

        // The first-response figures, computed here from what was sent.
        let minutes = sent.values.map { (($0.replied ?? now).timeIntervalSince($0.received)) / 60 }.sorted()
        func rank(_ p: Double) -> Double { minutes[Int((p * Double(minutes.count - 1)).rounded())] }
        let total = snapshot.total
        #expect(total.leads.received == sent.count)
        #expect(total.firstResponse.sample == sent.count)
        #expect(abs((total.firstResponse.p50Minutes ?? -1) - rank(0.5)) < 1e-3)
        #expect(abs((total.firstResponse.p90Minutes ?? -1) - rank(0.9)) < 1e-3)
        let within = Double(minutes.filter { $0 <= 5 }.count) / Double(minutes.count)
        #expect(abs((total.firstResponse.withinTarget ?? -1) - within) < 1e-9)
        #expect(total.repliesAfterApproval == approvedCount)
        #expect(total.repliesWithoutPerson == sent.values.filter { $0.replied != nil }.count - approvedCount)
        #expect(total.leads.waitingForPerson == pendingApprovals.count)
        #expect(total.deadActions >= deadCount)
        #expect(total.approvalTurnaround.sample == approvedCount)
        let lead = try #require(snapshot.kpis.first { $0.id == "lead_first_response" })
        #expect(lead.actual == total.firstResponse.p50Minutes && lead.confidence != .tooFew)
        #expect(snapshot.weeks.count == 2 && snapshot.weeks[1].firstResponse.confidence == .tooFew)
        #expect(lead.weekly.count == 2 && lead.weekly[1] == nil)
        #expect(snapshot.kpis.contains { $0.method == .estimate && ($0.actual ?? 0) < $0.baseline })

        // The example snapshot the review golden is rendered from (reports/examples/) is this one.
        let fixture = Self.root.appendingPathComponent(
            "questionnaires/smb-ai-readiness/examples/plumbing-contractor.kpis.json"
        ).path
        if ProcessInfo.processInfo.environment["BATON_UPDATE_GOLDEN"] == "1" {
            try text.write(toFile: fixture, atomically: true, encoding: .utf8)
        }
        #expect(
            text == (try String(contentsOfFile: fixture, encoding: .utf8)),
            "the exported snapshot drifted from \(fixture); regenerate with BATON_UPDATE_GOLDEN=1 and review")

        // The review from the file read back.
        let loaded = try SnapshotFile.read(Data(text.utf8), file: "kpis.json")
        #expect(loaded.intact)
        let report = ReportInput(
            result: a.result, assessmentID: 4, date: now, notes: [], branding: .standard, paper: .letter,
            model: a.model, blueprint: a.blueprint)
        let review = try ReviewInput.build(
            report: report, profile: a.profile, loaded: loaded,
            answersFingerprint: try #require(a.blueprint.provenance).answersFingerprint)
        #expect(!review.answersChanged && review.rescored != nil)
        let renderer = try ReviewRenderer(folder: Self.root.appendingPathComponent("templates").path)
        let html = try renderer.render(review, as: .html)
        let markdown = try renderer.render(review, as: .md)
        #expect(html.contains("Review after 14 days"))
        #expect(html.contains("id=\"chart-kpi-0-title\"") && html.contains("week 2 (from 2026-03-09): too few to say"))
        #expect(html.contains("Projected and realised") && html.contains("Revenue effect (faster replies)"))
        #expect(html.contains("figures exported by Bow River office"))
        let p50 = MoneyFormat.figure(rank(0.5), places: 1)
        #expect(markdown.contains("median \(p50) min"), "\(p50)")
        #expect(markdown.contains("| 2026-03-09 | 7 | 3 | too few |"))
        #expect(markdown.contains("The assessment on the evidence") && markdown.contains("Leads a week"))
    }
}
