import Foundation
import Testing

@testable import Scoring

struct ScoringEdgeCaseTests {
    func base() throws -> BusinessProfile { try ScoringFixtures.profile("dental-clinic") }

    @Test func noWorkflowsGivesAnEmptyPlanAndSaysSo() throws {
        var profile = try base()
        profile.workflows = []
        profile.biggestPain = nil
        let r = try Scorer(model: try ScoringFixtures.model()).score(profile)
        #expect(r.opportunities.isEmpty)
        #expect(r.plan.agents.isEmpty)
        #expect(r.cost.build.value == 0)
        #expect(r.roi.paybackMonths == nil)
        #expect(r.flags.contains("No weekly workflows were chosen, so there is nothing to automate yet."))
        #expect(r.readiness.checks.first { $0.id == "named_workflow" }?.passed == false)
    }

    @Test func zeroHoursSaveNothingAndAreFlagged() throws {
        var profile = try base()
        for i in profile.workflows.indices { profile.workflows[i].hoursPerWeek = 0 }
        let r = try Scorer(model: try ScoringFixtures.model()).score(profile)
        #expect(
            r.opportunities.allSatisfy { $0.hoursSavedPerWeek.value == 0 && $0.annualValue.value == 0 && !$0.inPlan })
        #expect(r.plan.agents.isEmpty)
        #expect(r.flags.contains { $0.contains("0 hours a week") })
    }

    @Test func enormousValuesStayFiniteAndCapped() throws {
        var profile = try ScoringFixtures.profile("plumbing-contractor")
        for i in profile.workflows.indices { profile.workflows[i].hoursPerWeek = 400 }
        profile.ownerHourly = 1000
        profile.staffHourly = 1000
        profile.leads = LeadFigures(perWeek: 100_000, responseMinutes: 43_200, closeRate: 1, dealValue: 10_000_000)
        let r = try Scorer(model: try ScoringFixtures.model()).score(profile)
        for o in r.opportunities {
            #expect(o.potential.value.double <= 0.8)
            #expect(o.annualValue.value.double.isFinite)
        }
        // A close rate already at 100% has nothing to gain from speed.
        #expect(r.opportunities.allSatisfy { $0.revenueEffectPerYear == nil || $0.revenueEffectPerYear!.value == 0 })
    }

    @Test func missingOptionalAnswersFallBackToSafeDefaults() throws {
        var profile = try base()
        profile.cloudTools = nil
        profile.leads = nil
        profile.approvalActions = []
        profile.target = ""
        let r = try Scorer(model: try ScoringFixtures.model()).score(profile)
        #expect(r.opportunities.allSatisfy { $0.revenueEffectPerYear == nil })
        #expect(r.readiness.checks.first { $0.id == "specific_target" }?.passed == false)
        #expect(r.opportunities.first?.ease.drivers.first?.name == "tools with APIs (unknown)")
    }

    @Test func aPlanClaimingMostOfTheHoursIsFlagged() throws {
        var profile = try base()
        for i in profile.workflows.indices {
            profile.workflows[i].repeatable = 5
            profile.workflows[i].ruleBased = 5
            profile.workflows[i].inputFormat = "structured"
            profile.workflows[i].errorRate = "often"
            profile.workflows[i].type = "bookkeeping"
        }
        profile.budget = "over_50k"
        let r = try Scorer(model: try ScoringFixtures.model()).score(profile)
        #expect(r.flags.contains { $0.contains("more than the 70% that is plausible") }, "\(r.flags)")
    }

    @Test func overridesChangeTheRunNotTheInputs() throws {
        let normal = try ScoringFixtures.score("dental-clinic")
        let cheap = try ScoringFixtures.score("dental-clinic", overrides: ["hourly_cost=20", "scenario=low"])
        #expect(cheap.scenario == "low")
        #expect(cheap.overrides == ["hourly_cost": "20", "scenario": "low"])
        #expect(cheap.roi.annualNetBenefit.value < normal.roi.annualNetBenefit.value)
        // The explanations and the Monte Carlo record use the adjusted parameters, not the defaults.
        let adjusted = try ScoringFixtures.score(
            "dental-clinic", overrides: ["discount_rate=0.5", "seed=5", "samples=10"])
        #expect(adjusted.roi.npv3Years.why.contains("discounted at 50% a year"))
        #expect(adjusted.roi.monteCarlo.samples == 10 && adjusted.roi.monteCarlo.seed == 5)
        #expect(adjusted.roi.npv3Years.value < normal.roi.npv3Years.value)
        #expect(throws: ScoringError.self) { try ScoringOverrides(parsing: ["hourly_cost=1e300"]) }
        #expect(throws: ScoringError.self) { try ScoringOverrides(parsing: ["hourly=3"]) }
        #expect(throws: ScoringError.self) { try ScoringOverrides(parsing: ["scenario=best"]) }
        #expect(throws: ScoringError.self) { try ScoringOverrides(parsing: ["discount_rate=-1"]) }
        #expect(throws: ScoringError.self) { try ScoringOverrides(parsing: ["samples"]) }
        #expect(throws: ScoringError.self) {
            _ = try ScoringFixtures.score("dental-clinic", overrides: ["tier=platinum"])
        }
    }
}

struct ReadinessWordingTests {
    @Test(arguments: [
        ("be more efficient", false), ("be efficient", false), ("lead response from 4 hours to 5 minutes", true),
        ("from four hours to five minutes", true), ("halve the time spent on invoices", false),
        ("cut invoicing time in half", true),
    ])
    func aTargetIsSpecificWhenItStatesANumber(target: String, specific: Bool) {
        #expect(ReadinessScorer.isSpecific(target) == specific)
    }
}

struct MoneyFormatTests {
    @Test(arguments: [
        ("CAD", "ontario", 17912.4, "$17,912"), ("CAD", "quebec", 17912.4, "17\u{00A0}912\u{00A0}$"),
        ("USD", "us", 1000, "$1,000"),
        ("USD", "bc", 1000, "US$1,000"), ("CAD", "us", 5, "CA$5"), ("EUR", "elsewhere", 1234567, "€1,234,567"),
        ("GBP", "elsewhere", -950, "−£950"),
        ("CAD", "ontario", 1e300, "$1,000,000,000,000,000"),
    ])
    func moneyReadsTheWayTheBusinessWritesIt(currency: String, region: String, amount: Double, expected: String) {
        #expect(MoneyFormat.money(amount, MoneyStyle(currency: currency, region: region)) == expected)
    }
}
