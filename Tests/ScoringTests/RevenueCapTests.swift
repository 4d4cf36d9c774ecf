import Diagnostics
import Foundation
import Questionnaire
import Testing

@testable import Scoring

/// The revenue effect of faster replies is bounded by the business's own scale, whatever the lead
/// answers say, and a result held at that bound, or resting mostly on it, is flagged.
struct RevenueCapTests {
    static let cappedFlag = "can plausibly earn from faster replies"
    static let dominantFlag = "is margin on extra sales assumed from faster replies"

    func scorer() throws -> Scorer {
        var model = try ScoringFixtures.model()
        model.parameters.roi.monteCarlo.samples = 200
        return Scorer(model: model)
    }

    /// The plumbing contractor (9 people) with the leads of the issue: 10,000 a week at $1,000,000.
    func hugeLeads() throws -> BusinessProfile {
        var profile = try ScoringFixtures.profile("plumbing-contractor")
        let leads = try #require(profile.leads)
        profile.leads = LeadFigures(
            perWeek: 10_000, responseMinutes: leads.responseMinutes, closeRate: leads.closeRate, dealValue: 1_000_000)
        return profile
    }

    @Test func tenThousandLeadsAtAMillionAreHeldAtTheScaleCapAndFlagged() throws {
        let profile = try hugeLeads()
        let cap = try ScoringFixtures.model().parameters.leadResponse.scaleCap
        #expect(profile.teamSize == 9)
        let r = try scorer().score(profile)
        let lead = try #require(r.opportunities.first { $0.workflow == "lead_intake" })
        let revenue = try #require(lead.revenueEffectPerYear)
        // 9 people × $500,000 a person × 5% = $225,000, not the $17 billion the answers alone give.
        #expect(revenue.value == 225_000)
        #expect(revenue.why.contains("held at 5% of the about $4,500,000 a year it sells"), "\(revenue.why)")
        #expect(revenue.drivers.contains { $0.name == "scale cap" && $0.source == cap.source })
        #expect(r.roi.annualGrossBenefit.value < 500_000)
        let roi = r.roi.firstYearROI.value.double
        #expect(roi.isFinite && roi < 20, "first-year ROI \(roi)")
        #expect(r.roi.monteCarlo.netBenefitP90 < 500_000)

        let capped = try #require(r.flags.first { $0.contains(Self.cappedFlag) })
        #expect(capped.contains("10,000 leads a week at $1,000,000 a deal"), "\(capped)")
        #expect(capped.contains("a business of 9 people"), "\(capped)")
        #expect(capped.contains("held at $225,000, 5% of the about $4,500,000"), "\(capped)")
        let dominant = try #require(r.flags.first { $0.contains(Self.dominantFlag) })
        #expect(dominant.contains("$225,000 of \(MoneyFormat.money(r.roi.annualGrossBenefit.value.double, "CAD"))"))
        #expect(dominant.contains("more than the 50%"), "\(dominant)")
    }

    @Test func theBundledExamplesAreNotCapped() throws {
        for name in ScoringFixtures.exampleNames {
            let r = try ScoringFixtures.score(name)
            #expect(!r.flags.contains { $0.contains(Self.cappedFlag) }, "\(name): \(r.flags)")
        }
    }

    /// The unflagged plumbing contractor: a plan of which more than half is margin on assumed sales
    /// is flagged, and the percentage in the sentence is the one compared.
    @Test func aPlanRestingOnTheRevenueEffectIsFlaggedWithItsOwnNumbers() throws {
        let r = try ScoringFixtures.score("plumbing-contractor")
        let revenue = r.opportunities.filter(\.inPlan).compactMap(\.revenueEffectPerYear).reduce(0.0) {
            $0 + $1.value.double
        }
        let gross = r.roi.annualGrossBenefit.value.double
        let flag = r.flags.first { $0.contains(Self.dominantFlag) }
        #expect((flag != nil) == (MoneyFormat.percentShown(revenue / gross) > 0.5), "\(r.flags)")
        if let flag { #expect(flag.hasPrefix(MoneyFormat.percent(revenue / gross))) }
    }

    @Test func theCapBindsOnlyAsTheSentenceRoundsIt() throws {
        let p = try ScoringFixtures.model().parameters.leadResponse
        let effect = RevenueEffect(parameters: p, workingWeeks: 48, teamSize: 1)
        // One person: a cap of $25,000. Find the deal value that lands 30 cents above it.
        let base = LeadFigures(perWeek: 10, responseMinutes: 240, closeRate: 0.2, dealValue: 1)
        let perDollar = effect.outcome(base).uncapped
        let justAbove = LeadFigures(
            perWeek: 10, responseMinutes: 240, closeRate: 0.2, dealValue: (effect.cap + 0.3) / perDollar)
        let o = effect.outcome(justAbove)
        #expect(o.uncapped > o.cap && o.value == o.cap)
        #expect(!o.isCapped, "$25,000.30 reads $25,000: not 'more than' the $25,000 cap")
        let clearlyAbove = LeadFigures(
            perWeek: 10, responseMinutes: 240, closeRate: 0.2, dealValue: (effect.cap + 2) / perDollar)
        #expect(effect.outcome(clearlyAbove).isCapped)
        // A team of 0 (never from the questionnaire) counts as one person, not as no cap at all.
        #expect(RevenueEffect(parameters: p, workingWeeks: 48, teamSize: 0).cap == effect.cap)
        // An overflow is held at the cap, not turned into nothing or into infinity.
        let overflow = LeadFigures(perWeek: 1e300, responseMinutes: 240, closeRate: 0.2, dealValue: 1e300)
        #expect(effect.outcome(overflow).value == effect.cap)
    }

    /// Hundreds of generated businesses, their lead figures blown up to hostile sizes: the revenue
    /// effect never passes the cap, the first-year ROI stays finite and bounded, and the flags say
    /// so exactly when the figures do.
    @Test func overGeneratedBusinessesTheEffectNeverPassesTheCap() throws {
        let model = try ScoringFixtures.model()
        let scaleCap = model.parameters.leadResponse.scaleCap
        let scorer = try scorer()
        var generator = ProfileGenerator(seed: 2026, workflowTypes: Array(model.parameters.workflows.keys))
        var random = SeededGenerator(seed: 11)
        var cappedSeen = 0
        for n in 0..<400 {
            var profile = generator.next()
            profile.teamSize = [1, 2, 5, 9, 40, 120, 500][Int(random.next() % 7)]
            // Every other business runs lead intake, so the effect is exercised often.
            if n % 2 == 0 && !profile.workflows.contains(where: { $0.type == "lead_intake" }) {
                profile.workflows.append(
                    WorkflowAnswers(
                        type: "lead_intake", hoursPerWeek: 5, people: 1, repeatable: 4, ruleBased: 4,
                        inputFormat: "structured", toolsTouched: 2, errorRate: "sometimes", volumePerWeek: 50))
            }
            if profile.workflows.contains(where: { $0.type == "lead_intake" }) {
                profile.leads = LeadFigures(
                    perWeek: [0, 1, 30, 500, 10_000, 100_000][Int(random.next() % 6)],
                    responseMinutes: [2, 20, 45, 240, 2880, 43_200][Int(random.next() % 6)],
                    closeRate: Double(random.next() % 101) / 100,
                    dealValue: [0, 100, 1_800, 50_000, 1_000_000, 10_000_000][Int(random.next() % 6)])
            }
            let r = try scorer.score(profile)
            let cap = Double(max(1, profile.teamSize)) * scaleCap.revenuePerPerson * scaleCap.maxShare
            let revenue = r.opportunities.compactMap(\.revenueEffectPerYear).map(\.value.double)
            #expect(revenue.allSatisfy { $0 <= cap.rounded() }, "\(profile.name): \(revenue) over \(cap)")
            let roi = r.roi.firstYearROI.value.double
            #expect(roi.isFinite, "\(profile.name)")
            let firstYear = r.cost.firstYearInvestment.value.double
            if firstYear > 0 {
                // Year one can at most earn the full gross benefit; the ROI is bounded by it.
                #expect(
                    roi <= r.roi.annualGrossBenefit.value.double / firstYear + 0.001, "\(profile.name): ROI \(roi)")
            }
            // The flag is there exactly when the cap cut the figure by a whole unit of money.
            let hasCappedFlag = r.flags.contains { $0.contains(Self.cappedFlag) }
            var expectCapped = false
            if let leads = profile.leads, !profile.approvalActions.contains("first_contact"),
                profile.workflows.contains(where: { $0.type == "lead_intake" })
            {
                let effect = RevenueEffect(
                    parameters: model.parameters.leadResponse, workingWeeks: model.parameters.workingWeeks.value,
                    teamSize: profile.teamSize)
                expectCapped = effect.outcome(leads).isCapped
            }
            #expect(hasCappedFlag == expectCapped, "\(profile.name): \(r.flags)")
            if expectCapped { cappedSeen += 1 }
            // The dominance flag states a share above the threshold, as it rounds it.
            for flag in r.flags where flag.contains(Self.dominantFlag) {
                let shown = try #require(Int(flag.prefix { $0.isNumber }), "\(flag)")
                #expect(Double(shown) > model.parameters.leadResponse.dominantShare.value * 100, "\(flag)")
            }
        }
        #expect(cappedSeen > 20, "the hostile inputs hardly reached the cap (\(cappedSeen))")
    }

    @Test func theCapAndTheThresholdAreCheckedWithTheirPositions() throws {
        let folder = ScoringFixtures.packFolder
        let s = try String(contentsOfFile: folder + "/scoring.yaml", encoding: .utf8)
        let c = try String(contentsOfFile: folder + "/catalog.yaml", encoding: .utf8)
        let p = try String(contentsOfFile: folder + "/pricing.yaml", encoding: .utf8)
        func issues(_ scoring: String) -> [PackIssue] {
            do {
                _ = try ScoringModel.load(
                    scoring: (scoring, "scoring.yaml"), catalog: (c, "catalog.yaml"), pricing: (p, "pricing.yaml"))
                return []
            } catch {
                return error.issues
            }
        }
        func line(of marker: String, in text: String) -> Int {
            (text.components(separatedBy: "\n").firstIndex { $0.contains(marker) } ?? -1) + 1
        }
        #expect(s.contains("    max_share: 0.05\n") && s.contains("    revenue_per_person: 500000\n"))

        let share = s.replacingOccurrences(of: "    max_share: 0.05\n", with: "    max_share: 5\n")
        let shareIssue = try #require(issues(share).first { $0.message.contains("scale_cap.max_share") })
        #expect(shareIssue.location.file == "scoring.yaml")
        #expect(shareIssue.location.line == line(of: "max_share: 5", in: share))
        #expect(shareIssue.location.column == 16)

        let perPerson = s.replacingOccurrences(
            of: "    revenue_per_person: 500000\n", with: "    revenue_per_person: -1\n")
        let perPersonIssue = try #require(issues(perPerson).first { $0.message.contains("revenue_per_person") })
        #expect(perPersonIssue.location.line == line(of: "revenue_per_person: -1", in: perPerson))

        let missing = s.replacingOccurrences(of: "    max_share: 0.05\n", with: "")
        let missingIssue = try #require(issues(missing).first)
        #expect(missingIssue.message.contains("missing key 'max_share'"), "\(missingIssue)")

        let unknown = s.replacingOccurrences(
            of: "    max_share: 0.05\n", with: "    max_share: 0.05\n    max_shares: 1\n")
        #expect(issues(unknown).contains { $0.message.contains("unknown key 'max_shares'") })

        let threshold = s.replacingOccurrences(
            of: "  dominant_share:\n    value: 0.5\n", with: "  dominant_share:\n    value: 1.5\n")
        let thresholdIssue = try #require(issues(threshold).first { $0.message.contains("dominant_share") })
        #expect(thresholdIssue.location.line == line(of: "value: 1.5", in: threshold))
    }
}
