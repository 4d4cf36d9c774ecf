import Foundation
import Testing

@testable import Scoring

/// The five example businesses give stable results. When a figure changes on purpose, regenerate
/// with `BATON_UPDATE_GOLDEN=1 swift test --skip-build --filter GoldenResultTests` and review the diff.
struct GoldenResultTests {
    @Test(arguments: ScoringFixtures.exampleNames)
    func exampleMatchesItsGoldenResult(name: String) throws {
        let actual = try ScoringFixtures.score(name).jsonText() + "\n"
        let path = "\(ScoringFixtures.goldenFolder)/\(name).json"
        if ProcessInfo.processInfo.environment["BATON_UPDATE_GOLDEN"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(actual == expected, "\(name) drifted from its golden result:\n\(Self.diff(expected, actual))")
    }

    @Test func scoringTwiceGivesByteIdenticalJSON() throws {
        for name in ScoringFixtures.exampleNames {
            #expect(try ScoringFixtures.score(name).jsonText() == ScoringFixtures.score(name).jsonText())
        }
    }

    @Test func theJSONReadsBackToTheSameResult() throws {
        let result = try ScoringFixtures.score("dental-clinic")
        #expect(try AssessmentResult.decode(json: result.jsonText()) == result)
        #expect(result.schemaVersion == AssessmentResult.currentSchemaVersion)
        #expect(result.parametersVersion == "scoring 1, catalog 1, pricing 1")
    }

    /// The changed lines, each with its line number and the golden and new text.
    static func diff(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for i in 0..<max(a.count, b.count) where i >= a.count || i >= b.count || a[i] != b[i] {
            out.append(
                "line \(i + 1):\n  golden: \(i < a.count ? String(a[i]) : "(none)")\n  now:    \(i < b.count ? String(b[i]) : "(none)")"
            )
            if out.count == 20 { break }
        }
        return out.joined(separator: "\n")
    }
}
