import Foundation
import Testing

@testable import Scoring

/// The headline separates time saved from assumed extra sales, a plan with nothing in it says so,
/// and the words agree with the figures they state.
struct HeadlineHonestyTests {
    func generated(count: Int = 300) throws -> [BusinessProfile] {
        var generator = ProfileGenerator(
            seed: 21, workflowTypes: Array(try ScoringFixtures.model().parameters.workflows.keys))
        return (0..<count).map { _ in generator.next() }
    }

    func scorer() throws -> Scorer {
        var model = try ScoringFixtures.model()
        model.parameters.roi.monteCarlo.samples = 200
        return Scorer(model: model)
    }

    func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }

    @Test func theLeadHeavyExampleShowsTimeAndSalesApart() throws {
        let r = try ScoringFixtures.score("plumbing-contractor")
        let time = double(r.roi.annualTimeValue.value)
        let sales = double(r.roi.annualRevenueUpside.value)
        #expect(sales > 0 && time > 0)
        #expect(abs(time + sales - double(r.roi.annualGrossBenefit.value)) <= 1)
        #expect(abs(double(r.roi.revenueShare) - sales / (time + sales)) < 0.001)
        // Without the assumed sales the plan pays back later (or not within the horizon).
        let withSales = try #require(r.roi.paybackMonths?.value)
        if let alone = r.roi.timeOnly.paybackMonths { #expect(alone >= withSales) }
        let lines = ResultSummary.lines(r).joined(separator: "\n")
        #expect(lines.contains("time saved alone"))
        #expect(lines.contains("assumed margin on extra sales"))
    }

    @Test func timeAloneNeverBeatsTimeWithSales() throws {
        let scorer = try scorer()
        for profile in try generated() {
            let r = try scorer.score(profile)
            #expect(r.roi.timeOnly.annualNetBenefit <= r.roi.annualNetBenefit.value, "\(profile.name)")
            #expect(r.roi.annualTimeValue.value + r.roi.annualRevenueUpside.value - r.roi.annualGrossBenefit.value <= 1)
            #expect(r.roi.revenueShare >= 0 && r.roi.revenueShare <= 1)
            if r.roi.annualRevenueUpside.value == 0 {
                #expect(r.roi.timeOnly.paybackMonths == r.roi.paybackMonths?.value, "\(profile.name)")
            }
            for s in r.roi.scenarios { #expect(s.timeOnly.annualNetBenefit <= s.annualNetBenefit) }
            let mc = r.roi.monteCarlo
            #expect(mc.timeOnlyNetBenefitP10 <= mc.timeOnlyNetBenefitP50)
            #expect(mc.timeOnlyNetBenefitP50 <= mc.timeOnlyNetBenefitP90)
            #expect(mc.timeOnlyNetBenefitP50 <= mc.netBenefitP50)
        }
    }

    @Test func flagsAgreeWithTheirOwnNumbers() throws {
        let scorer = try scorer()
        var checked = 0
        for var profile in try generated(count: 400) {
            // Workflows that are as automatable as they get, so that the share-of-hours flag is reached.
            for w in profile.workflows.indices {
                profile.workflows[w].repeatable = 5
                profile.workflows[w].ruleBased = 5
                profile.workflows[w].inputFormat = "structured"
                profile.workflows[w].toolsTouched = 1
            }
            profile.budget = "over_50k"
            for flag in try scorer.score(profile).flags where flag.contains("that is plausible") {
                // "The plan claims 71% of …, more than the 70% that is plausible"
                let numbers = flag.split { !$0.isNumber }.compactMap { Int($0) }
                let claimed = try #require(numbers.first), threshold = try #require(numbers.dropFirst().first)
                #expect(claimed > threshold, "\(flag)")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    @Test func aShareThatRoundsToTheThresholdIsNotFlagged() {
        #expect(MoneyFormat.percentShown(0.7026) == 0.70)
        #expect(MoneyFormat.percent(0.7026) == "70%")
        #expect(MoneyFormat.percentShown(0.705) > 0.70)
        #expect(MoneyFormat.percent(0.635) == "64%")
    }

    @Test(arguments: [
        (5.0, "5 minutes"), (1, "1 minute"), (60, "1 hour"), (90, "1 hour 30 minutes"), (300, "5 hours"),
        (1440, "1 day"), (2880, "2 days"), (1500, "1 day 1 hour"), (43_200, "30 days"), (0, "no time"),
        (0.2, "under a minute"), (1_439.9, "1 day"),
    ])
    func durationsReadAsPeopleSayThem(minutes: Double, expected: String) {
        #expect(MoneyFormat.duration(minutes: minutes) == expected)
    }

    @Test func revenueWordsUseHumanUnits() throws {
        let r = try ScoringFixtures.score("plumbing-contractor")
        let why = try #require(r.opportunities.compactMap(\.revenueEffectPerYear).first).why
        #expect(why.contains("instead of 4 hours") || why.contains("instead of"), "\(why)")
        #expect(!why.contains("instead of 240"), "\(why)")
    }

    @Test func aPlanWithNothingInItSaysWhy() throws {
        var profile = try ScoringFixtures.profile("dental-clinic")
        let weeks = try scorer().score(profile, overrides: try ScoringOverrides(parsing: ["working_weeks=0"]))
        #expect(weeks.plan.agents.isEmpty)
        #expect(weeks.plan.why.contains("Nothing is worth automating yet"), "\(weeks.plan.why)")
        #expect(weeks.timeline.phases.isEmpty)
        let summary = ResultSummary.lines(weeks).joined(separator: "\n")
        #expect(summary.contains("Recommended: nothing yet"))
        #expect(!summary.contains("0 agents") && !summary.contains("payback"), "\(summary)")

        for w in profile.workflows.indices { profile.workflows[w].hoursPerWeek = 0 }
        let zero = try scorer().score(profile)
        #expect(zero.plan.agents.isEmpty)
        #expect(zero.plan.why.contains("take no hours"), "\(zero.plan.why)")
        profile.workflows = []
        #expect(try scorer().score(profile).plan.why.contains("no weekly workflow"))
    }

    @Test func withoutABigWorkflowTheFirstStepSaysHowToFindOne() throws {
        var profile = try ScoringFixtures.profile("dental-clinic")
        for w in profile.workflows.indices { profile.workflows[w].hoursPerWeek = 3 }
        let check = try #require(try scorer().score(profile).readiness.checks.first { $0.id == "named_workflow" })
        #expect(!check.passed)
        #expect(check.action?.contains("log the time each one takes") == true, "\(check.action ?? "")")
    }

    @Test(arguments: [
        ("Lead intake and qualification", "lead intake and qualification"), ("R&D tax credits", "R&D tax credits"),
        ("CRM clean-up", "CRM clean-up"), ("保険請求", "保険請求"), ("مطالبات التأمين", "مطالبات التأمين"),
        ("  Padded name  ", "padded name"), ("A/B tests", "A/B tests"), ("", ""),
    ])
    func namesReadMidSentenceAsTyped(label: String, expected: String) {
        #expect(Wording.inSentence(label) == expected)
    }

    @Test func theQuestionnaireNotesAreKept() throws {
        let r = try ScoringFixtures.score("dental-clinic")
        #expect(r.clientNotes?.isEmpty == false)
    }
}
