import Diagnostics
import Foundation
import Questionnaire
import Testing

@testable import Scoring

/// Parameter files are checked like a questionnaire: every problem with file, line and column.
struct ScoringModelTests {
    func texts() throws -> (String, String, String) {
        let folder = ScoringFixtures.packFolder
        return (
            try String(contentsOfFile: folder + "/scoring.yaml", encoding: .utf8),
            try String(contentsOfFile: folder + "/catalog.yaml", encoding: .utf8),
            try String(contentsOfFile: folder + "/pricing.yaml", encoding: .utf8)
        )
    }

    func issues(scoring: String? = nil, catalog: String? = nil, pricing: String? = nil) throws -> [PackIssue] {
        let (s, c, p) = try texts()
        do {
            _ = try ScoringModel.load(
                scoring: (scoring ?? s, "scoring.yaml"), catalog: (catalog ?? c, "catalog.yaml"),
                pricing: (pricing ?? p, "pricing.yaml"))
            return []
        } catch {
            return error.issues
        }
    }

    func line(of marker: String, in text: String) -> Int {
        (text.components(separatedBy: "\n").firstIndex { $0.contains(marker) } ?? -1) + 1
    }

    @Test func theBundledParametersLoad() throws {
        let model = try ScoringFixtures.model()
        #expect(model.parameters.workflows.count == 11)
        #expect(model.catalog.agents.count == 9)
        #expect(model.pricing.tiers.map(\.id) == ["starter", "growth", "scale"])
        #expect(model.parameters.workflows.values.allSatisfy { !$0.source.isEmpty })
    }

    @Test func anUnknownKeyIsReportedAtItsPosition() throws {
        let (s, _, _) = try texts()
        let broken = s.replacingOccurrences(of: "  pain_hours: 10", with: "  pain_hours: 10\n  pain_hourz: 12")
        let found = try issues(scoring: broken)
        let issue = try #require(found.first { $0.message.contains("unknown key 'pain_hourz'") })
        #expect(issue.location.file == "scoring.yaml")
        #expect(issue.location.line == line(of: "pain_hourz", in: broken))
        #expect(issue.location.column == 3)
    }

    @Test func aMixThatDoesNotSumToOneIsReported() throws {
        let (s, _, _) = try texts()
        let broken = s.replacingOccurrences(
            of: "mix: { processing_data: 0.7, collecting_data: 0.3 }",
            with: "mix: { processing_data: 0.7, collecting_data: 0.2 }")
        let issue = try #require(
            try issues(scoring: broken).first { $0.message.contains("the mix of 'bookkeeping' sums to") })
        #expect(issue.location.line == line(of: "processing_data: 0.7, collecting_data: 0.2", in: broken))
    }

    @Test func aMistypedValueNamesItsPath() throws {
        let (s, _, _) = try texts()
        let broken = s.replacingOccurrences(of: "  discount_rate: 0.10", with: "  discount_rate: ten percent")
        let issue = try #require(try issues(scoring: broken).first)
        #expect(issue.message.contains("expected a number at 'roi.discount_rate'"))
        #expect(issue.location.line == line(of: "ten percent", in: broken))
    }

    @Test func catalogAndPricingAreCrossChecked() throws {
        let (_, c, p) = try texts()
        let badCatalog = c.replacingOccurrences(of: "covers: [bookkeeping]", with: "covers: [bookkeeping, astrology]")
            .replacingOccurrences(
                of: "permissions: [crm.read, email.draft, email.send]\n    approvals: [contracts, discounts]",
                with: "permissions: [\"*\"]\n    approvals: [contracts, discounts]")
        let catalogIssues = try issues(catalog: badCatalog)
        #expect(
            catalogIssues.contains {
                $0.message == "agent 'bookkeeping_clerk' covers unknown workflow type 'astrology'"
                    && $0.location.file == "catalog.yaml"
            })
        #expect(catalogIssues.contains { $0.message.contains("agent 'follow_up_drafter' has a wildcard permission") })
        let badPricing = p.replacingOccurrences(of: "unsure: growth", with: "unsure: gold")
        let pricingIssue = try #require(try issues(pricing: badPricing).first)
        #expect(pricingIssue.message.hasPrefix("unknown tier 'gold'"))
        #expect(pricingIssue.location.line == line(of: "budget_tier", in: badPricing))
    }

    @Test func aYAMLSyntaxErrorHasItsPosition() throws {
        let found = try issues(pricing: "version: 1\ntiers: [\n")
        #expect(found.first?.message.hasPrefix("YAML syntax") == true)
        #expect(found.first?.location.file == "pricing.yaml")
    }
}
