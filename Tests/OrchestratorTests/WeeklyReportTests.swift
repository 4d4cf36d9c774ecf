import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// The weekly report: written at Monday midnight in the business's time zone, once a week, never
/// early, never twice across a restart; its KPIs against baseline and target are the week's, as
/// the test computes them from the inquiries it sent.
struct WeeklyReportTests {
    static func dental(recipient: String = "owner@clinic.example") throws -> Blueprint {
        var blueprint = try SupportTriageTests.dental()
        blueprint.schedules.dailyReport.recipients = ["owner", recipient]
        return blueprint
    }

    /// Mondays at midnight in Vancouver: 9, 16 and 23 March 2026 (the clocks go forward on the 8th).
    static let mondays = [1_773_039_600, 1_773_644_400, 1_774_249_200].map { Date(timeIntervalSince1970: $0) }

    @Test func runsAtMondayMidnightOnceAWeekNotEarlyNotTwiceAcrossRestarts() async throws {
        let blueprint = try Self.dental()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-weekly-\(UUID().uuidString)")
            .path
        // Wednesday 4 March 2026, 10:00 in Vancouver.
        let clock = OutcomeReviewTests.Clock(Date(timeIntervalSince1970: 1_772_647_200))
        func job() throws -> WeeklyReportJob {
            WeeklyReportJob(
                beside: DailyReportJob(
                    blueprint: blueprint, store: try RuntimeStore(folder: folder, clock: { clock.date }),
                    folder: folder + "/reports"))
        }
        var current = try job()
        var written: [(at: Date, path: String)] = []
        // Every five minutes for three weeks, restarting now and then (and just after each report).
        for step in 0..<(3 * 7 * 24 * 12) {
            if step % 997 == 500 { current = try job() }
            if let path = try await current.runIfDue() {
                written.append((clock.date, path))
                current = try job()
                #expect(try await current.runIfDue() == nil, "a restart right after the report repeats it")
            }
            clock.advance(300)
        }
        // Each Monday midnight, at the first check at or after it (checks fall every five minutes).
        #expect(written.count == 3)
        for (report, monday) in zip(written, Self.mondays) {
            #expect(report.at >= monday && report.at < monday.addingTimeInterval(300), "\(report.at) for \(monday)")
        }
        #expect(
            written.map { ($0.path as NSString).lastPathComponent } == [
                "weekly-2026-03-02.md", "weekly-2026-03-09.md", "weekly-2026-03-16.md",
            ])
        let first = try String(contentsOfFile: written[0].path, encoding: .utf8)
        #expect(
            first.hasPrefix(
                "# Weekly report: \(blueprint.business.name)\n\nMonday 2 March to Sunday 8 March 2026 (America/Vancouver), Monday midnight to Monday midnight\n"
            ), "\(first)")
        // One email a week to the address, none to the recipient that is not one.
        let store = try RuntimeStore(folder: folder, clock: { clock.date })
        #expect(
            try store.outbox().map(\.idempotencyKey).sorted() == [
                "weekly-2026-03-02-owner@clinic.example", "weekly-2026-03-09-owner@clinic.example",
                "weekly-2026-03-16-owner@clinic.example",
            ])
        #expect(try store.outbox().allSatisfy { $0.caseID == "weekly-report" && $0.action == .emailSend })
    }

    /// The next run, in time zones whose clocks change (at midnight in Santiago and Havana, by half
    /// an hour on Lord Howe) and whose offsets are odd: always a Monday, at its first moment,
    /// within a week, and the same from any moment before it.
    @Test(arguments: [
        "America/Vancouver", "Europe/London", "America/Santiago", "America/Havana", "Australia/Lord_Howe",
        "Asia/Kolkata", "Pacific/Chatham", "UTC",
    ])
    func theNextRunIsTheNextMondaysFirstMoment(zone: String) async throws {
        var blueprint = try Self.dental()
        blueprint.business.timeZone = zone
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-weekly-\(UUID().uuidString)")
            .path
        let job = WeeklyReportJob(
            beside: DailyReportJob(
                blueprint: blueprint, store: try RuntimeStore(folder: folder, clock: { Date() }), folder: folder))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: zone))
        var random = SplitMix(seed: UInt64(zone.utf8.count))
        for _ in 0..<300 {
            // Any second from 2026 to 2030.
            let date = Date(timeIntervalSince1970: 1_767_225_600 + Double(random.below(5 * 365 * 86_400)))
            let next = job.nextRun(after: date)
            #expect(next > date && next.timeIntervalSince(date) <= 7 * 86_400 + 3_600, "\(date) → \(next)")
            #expect(calendar.component(.weekday, from: next) == 2, "\(date) → \(next)")
            // The day's first moment: midnight, or the first moment there is when midnight is skipped.
            #expect(calendar.startOfDay(for: next) == next, "\(date) → \(next)")
            let between = date.addingTimeInterval(Double(random.below(max(1, Int(next.timeIntervalSince(date))))))
            #expect(job.nextRun(after: between) == next)
            #expect(job.nextRun(after: next) > next.addingTimeInterval(6 * 86_400))
        }
    }

    /// The week's figures in the report are the week's inquiries as the test sent them.
    @Test func theWeeksKPIsAreTheInquiriesSent() async throws {
        var report: (at: Date, path: String, sent: InquiryScenario)?
        var job: WeeklyReportJob?
        _ = try await InquiryScenario.run(seed: 9, plan: InquiryKPITests.plan) { s in
            let weekly =
                try job
                ?? WeeklyReportJob(
                    beside: DailyReportJob(
                        blueprint: s.assessment.blueprint, store: s.store, folder: s.folder + "/reports"))
            job = weekly
            if let path = try await weekly.runIfDue() {
                #expect(report == nil, "a second report in the two weeks")
                report = (s.clock.date, path, s)
            }
        }
        let (at, path, sent) = try #require(report)
        #expect(at >= Self.mondays[0] && (path as NSString).lastPathComponent == "weekly-2026-03-02.md")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let minutes = sent.minutes(from: InquiryScenario.monday, to: Self.mondays[0], now: at)
        let answered = sent.inquiries.values.filter {
            $0.received < Self.mondays[0] && $0.answered.map { $0 <= at } == true
        }.count
        #expect(minutes.count == 23)
        let p50 = DailyReport.minutes(InquiryScenario.rank(minutes, 0.5))
        let p90 = DailyReport.minutes(InquiryScenario.rank(minutes, 0.9))
        #expect(
            text.contains(
                "- customer inquiries answered: \(answered) of \(minutes.count); first answer p50 \(p50), p90 \(p90)\n"),
            "\(text)")
        #expect(
            text.contains(
                "- Customer question first-answer time: median \(p50) over \(minutes.count) inquiries (baseline 180 min, target 60 min)\n"
            ), "\(text)")
        #expect(text.contains(" h taken over this week, an estimate ("), "\(text)")
        // The same week on demand (`baton daily-report --week`) gives the same figures.
        let onDemand = try await DailyReport(
            sent.store, blueprint: sent.assessment.blueprint,
            week: InquiryScenario.monday.addingTimeInterval(3 * 86_400))
        #expect(onDemand.isoDay == "2026-03-02" && onDemand.fileName == "weekly-2026-03-02")
        #expect(onDemand.kpis.inquiriesReceived == minutes.count)
    }
}
