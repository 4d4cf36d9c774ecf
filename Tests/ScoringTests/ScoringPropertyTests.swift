import Foundation
import Testing

@testable import Scoring

/// Properties that hold for any plausible business, checked over generated answer sets.
struct ScoringPropertyTests {
    static let count = 300

    func profiles(seed: UInt64 = 7) throws -> [BusinessProfile] {
        var generator = ProfileGenerator(
            seed: seed, workflowTypes: Array(try ScoringFixtures.model().parameters.workflows.keys))
        return (0..<Self.count).map { _ in generator.next() }
    }

    func scorer(_ change: (inout ScoringModel) -> Void = { _ in }) throws -> Scorer {
        var model = try ScoringFixtures.model()
        change(&model)
        // Fewer draws keep the property tests fast; the default count is benchmarked instead.
        model.parameters.roi.monteCarlo.samples = 200
        return Scorer(model: model)
    }

    @Test func moreHoursNeverLowerSavings() throws {
        let scorer = try scorer()
        for profile in try profiles() where !profile.workflows.isEmpty {
            var more = profile
            more.workflows[0].hoursPerWeek += 5
            let before = try scorer.score(profile)
            let after = try scorer.score(more)
            let type = profile.workflows[0].type
            let a = try #require(before.opportunities.first { $0.workflow == type })
            let b = try #require(after.opportunities.first { $0.workflow == type })
            #expect(b.hoursSavedPerWeek.value >= a.hoursSavedPerWeek.value)
            #expect(b.annualValue.value >= a.annualValue.value)
            // The plan as a whole: more hours never make the recommended system worth less.
            #expect(after.roi.annualGrossBenefit.value >= before.roi.annualGrossBenefit.value, "\(profile.name)")
        }
    }

    @Test func aHigherPriceNeverShortensPayback() throws {
        let cheap = try scorer()
        let dear = try scorer {
            $0.pricing.build.base *= 1.5; $0.pricing.build.perAgent *= 1.5
        }
        for profile in try profiles() {
            let a = try cheap.score(profile, overrides: ScoringOverrides(parsing: ["tier=scale"]))
            let b = try dear.score(profile, overrides: ScoringOverrides(parsing: ["tier=scale"]))
            switch (a.roi.paybackMonths, b.roi.paybackMonths) {
            case (let x?, let y?): #expect(y.value >= x.value, "\(profile.name)")
            case (nil, let y?): Issue.record("\(profile.name): paid back only at the higher price (\(y.value))")
            default: break
            }
            #expect(b.roi.npv3Years.value <= a.roi.npv3Years.value)
        }
    }

    @Test func potentialStaysWithinCapsAndHoursWithinTheWorkflow() throws {
        let model = try ScoringFixtures.model()
        let scorer = try scorer()
        for profile in try profiles(seed: 11) {
            for o in try scorer.score(profile).opportunities {
                // A named ("something else") workflow is capped by the kind of work it mostly is.
                let answers = try #require(profile.workflows.first { $0.type == o.workflow })
                let cap = try #require(model.parameters.prior(for: answers)?.cap)
                #expect(o.potential.value >= 0 && o.potential.value.double <= cap + 0.0005)
                #expect(o.hoursSavedPerWeek.value <= o.hoursPerWeek)
                #expect(o.ease.value >= 0 && o.ease.value <= 1)
            }
        }
    }

    @Test func noFigureIsNaNNegativeWhereItCannotBeOrUnbounded() throws {
        let scorer = try scorer()
        for profile in try profiles(seed: 13) {
            let r = try scorer.score(profile)
            for o in r.opportunities {
                for figure in [
                    o.potential, o.hoursSavedPerWeek, o.reworkHoursSavedPerWeek, o.timeValuePerYear, o.annualValue,
                    o.ease,
                ] {
                    #expect(!figure.value.isNaN && figure.value >= 0 && figure.value < 1e9, "\(o.workflow): \(figure)")
                }
                if let revenue = o.revenueEffectPerYear { #expect(revenue.value >= 0 && revenue.value < 1e9) }
            }
            for figure in [r.cost.build, r.cost.firstYearInvestment, r.cost.ongoingPerYear, r.roi.annualGrossBenefit] {
                #expect(!figure.value.isNaN && figure.value >= 0 && figure.value < 1e9)
            }
            #expect(!r.roi.npv3Years.value.isNaN && abs(r.roi.npv3Years.value.double) < 1e9)
            if let payback = r.roi.paybackMonths { #expect(payback.value >= 0 && payback.value <= 36) }
            #expect(r.readiness.score >= 0 && r.readiness.score <= 100)
            let mc = r.roi.monteCarlo
            #expect(mc.netBenefitP10 <= mc.netBenefitP50 && mc.netBenefitP50 <= mc.netBenefitP90)
        }
    }

    @Test func revenueEffectIsBandedAndBounded() throws {
        let p = try ScoringFixtures.model().parameters.leadResponse
        let effect = RevenueEffect(parameters: p, workingWeeks: 48, teamSize: 5)
        var previous = 0.0
        // Slower today means at least as much to gain, in steps, and never past the cap.
        for minutes in [1.0, 5, 6, 29, 30, 31, 60, 61, 600, 1440, 1441, 100_000, 1e9] {
            let leads = LeadFigures(perWeek: 10, responseMinutes: minutes, closeRate: 0.2, dealValue: 1000)
            let revenue = effect.addedRevenue(leads)
            #expect(revenue >= previous)
            previous = revenue
            #expect(effect.newCloseRate(leads) <= p.maxCloseRate)
        }
        let nearlyAll = LeadFigures(perWeek: 10, responseMinutes: 10_000, closeRate: 0.89, dealValue: 1000)
        #expect(effect.newCloseRate(nearlyAll) == p.maxCloseRate)
        #expect(effect.addedRevenue(LeadFigures(perWeek: 10, responseMinutes: 3, closeRate: 0.2, dealValue: 1000)) == 0)
    }

    @Test func monteCarloWithTheSameSeedGivesTheSameResult() throws {
        let profile = try ScoringFixtures.profile("plumbing-contractor")
        let model = try ScoringFixtures.model()
        let a = try Scorer(model: model).score(profile, overrides: ScoringOverrides(parsing: ["seed=99"]))
        let b = try Scorer(model: model).score(profile, overrides: ScoringOverrides(parsing: ["seed=99"]))
        let c = try Scorer(model: model).score(profile, overrides: ScoringOverrides(parsing: ["seed=100"]))
        #expect(a.roi.monteCarlo == b.roi.monteCarlo)
        #expect(a.roi.monteCarlo.netBenefitP50 != c.roi.monteCarlo.netBenefitP50)
    }
}
