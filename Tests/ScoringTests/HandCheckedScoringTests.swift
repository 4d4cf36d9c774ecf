import Foundation
import Testing

@testable import Scoring

/// docs/scoring.md works the main figures of two example businesses by hand; the code must agree.
struct HandCheckedScoringTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        let example: String
        let topWorkflow: String
        let potential: Decimal
        let hoursSaved: Decimal
        let timeValue: Decimal
        let revenueEffect: Decimal?
        let annualValue: Decimal
        let build: Decimal
        let firstYear: Decimal
        let annualNet: Decimal
        let payback: Decimal
        var testDescription: String { example }
    }

    /// The table "Figures asserted by the tests" at the end of docs/scoring.md.
    static let cases = [
        Expected(
            example: "dental-clinic", topWorkflow: "invoicing", potential: Decimal(string: "0.756")!,
            hoursSaved: Decimal(string: "9.1")!,
            timeValue: 17912, revenueEffect: nil, annualValue: 17912, build: 13000, firstYear: 24940, annualNet: 21729,
            payback: Decimal(string: "15.2")!),
        Expected(
            example: "plumbing-contractor", topWorkflow: "lead_intake", potential: Decimal(string: "0.348")!,
            hoursSaved: Decimal(string: "2.8")!, timeValue: 7195, revenueEffect: 43546, annualValue: 50740,
            build: 15000, firstYear: 27210,
            annualNet: 46742, payback: Decimal(string: "10.3")!),
    ]

    @Test(arguments: cases)
    func theCodeAgreesWithTheHandCalculation(_ e: Expected) throws {
        let r = try ScoringFixtures.score(e.example)
        let top = try #require(r.opportunities.first)
        #expect(top.workflow == e.topWorkflow)
        #expect(top.potential.value == e.potential)
        #expect(top.hoursSavedPerWeek.value == e.hoursSaved)
        #expect(top.timeValuePerYear.value == e.timeValue)
        #expect(top.revenueEffectPerYear?.value == e.revenueEffect)
        #expect(top.annualValue.value == e.annualValue)
        #expect(r.cost.build.value == e.build)
        #expect(r.cost.firstYearInvestment.value == e.firstYear)
        #expect(r.roi.annualNetBenefit.value == e.annualNet)
        #expect(r.roi.paybackMonths?.value == e.payback)
    }

    @Test func theDocumentStatesTheSameFigures() throws {
        let doc = try String(
            contentsOf: ScoringFixtures.packageRoot.appendingPathComponent("docs/scoring.md"), encoding: .utf8)
        let table = try #require(doc.range(of: "Figures asserted by the tests")).upperBound
        let tail = String(doc[table...])
        for e in Self.cases {
            for figure in [e.timeValue, e.annualValue, e.build, e.firstYear, e.annualNet, e.payback] {
                #expect(tail.contains("\(figure)"), "docs/scoring.md does not state \(figure) for \(e.example)")
            }
        }
    }
}
