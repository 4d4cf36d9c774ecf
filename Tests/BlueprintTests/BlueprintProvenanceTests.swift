import Blueprint
import Foundation
import Outcomes
import Testing

/// What a blueprint was built from, and its KPIs' baselines with their sources: written the same
/// for the same answers and day, explained, and checked.
struct BlueprintProvenanceTests {
    static func plumbing() throws -> Blueprint { try BlueprintGoldenTests.blueprint("plumbing-contractor") }

    @Test func theSameAnswersAndDayGiveTheSameBytesAndAnotherDayAnotherDate() throws {
        let first = try BlueprintFile.yaml(try Self.plumbing())
        #expect(first == (try BlueprintFile.yaml(try Self.plumbing())))
        let b = try Self.plumbing()
        let p = try #require(b.provenance)
        #expect(p.assessmentID == 4)
        #expect(p.date == "2026-01-15")
        #expect(p.answersFingerprint.range(of: Provenance.fingerprintPattern, options: .regularExpression) != nil)
    }

    @Test func explainShowsWhereEveryBaselineCameFrom() throws {
        let text = BlueprintExplainer.explain(try Self.plumbing())
        #expect(text.contains("Built from assessment 4 on 2026-01-15 (answers sha256:"))
        #expect(text.contains("baseline: answers: lead_response_time (a duration, in minutes)"))
        #expect(
            text.contains("estimated as lead_qualifier's tasks × 6 min each (catalog: lead_qualifier.minutes_per_task"))
    }

    @Test(arguments: [
        ("answers_fingerprint: sha256:", "answers_fingerprint: md5:", "is not a fingerprint"),
        ("date: '2026-01-15'", "date: '2026-02-30'", "is not a day"),
        ("assessment_id: 4", "assessment_id: 0", "is not one"),
        ("agent: lead_qualifier\n    minutes_per_task: 6", "agent: ghost\n    minutes_per_task: 6", "no agent 'ghost'"),
        ("minutes_per_task: 6", "minutes_per_task: -2", "is not a time a task takes"),
        ("baseline: 240", "baseline: .nan", "is not a number"),
    ])
    func aBrokenProvenanceOrEstimateIsAnErrorAtItsPlace(from: String, to: String, message: String) throws {
        let text = try BlueprintFile.yaml(try Self.plumbing())
        #expect(text.contains(from))
        let broken = text.replacingOccurrences(of: from, with: to)
        let loaded = BlueprintFile.check(yaml: broken, file: "b.yaml")
        #expect(loaded.errors.contains { $0.description.contains(message) }, "\(loaded.issues)")
    }

    @Test func aHandWrittenBlueprintWithoutProvenanceStillValidates() throws {
        var b = try Self.plumbing()
        b.provenance = nil
        b.kpis = b.kpis.map { KPI(id: $0.id, name: $0.name, unit: $0.unit, baseline: $0.baseline, target: $0.target) }
        let text = try BlueprintFile.yaml(b)
        #expect(!text.contains("provenance"))
        #expect(BlueprintFile.check(yaml: text, file: "b.yaml").issues.isEmpty)
    }
}
