import BatonTestSupport
import Foundation
import Testing

/// `baton score` and the summary at the end of `baton assess`, through the real binary.
struct ScoreCommandTests {
    func importExample(_ name: String, workspace: String) async throws -> BatonBinary.RunResult {
        try await BatonBinary.run([
            "assess", "--answers", BatonBinary.bundledPack + "/examples/\(name).yaml", "--workspace", workspace,
        ])
    }

    @Test func assessEndsWithTheScoreSummary() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let result = try await importExample("plumbing-contractor", workspace: workspace)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Opportunities, best first"))
        #expect(result.stdout.contains("1.  Lead intake and qualification"))
        #expect(result.stdout.contains("Recommended: Growth tier"))
        #expect(result.stdout.contains("Readiness: "))
    }

    @Test func scorePrintsTheResultAndStoresEachRun() async throws {
        let workspace = BatonBinary.temporaryFolder()
        _ = try await importExample("dental-clinic", workspace: workspace)
        let text = try await BatonBinary.run(["score", "1", "--workspace", workspace])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("Cedar Hill Family Dental: 48 h a week in 3 workflows (expected scenario)"))
        let json = try await BatonBinary.run(["score", "1", "--json", "--workspace", workspace])
        let again = try await BatonBinary.run(["score", "1", "--json", "--workspace", workspace])
        #expect(json.stdout == again.stdout, "the same answers give byte-identical results")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(result["schema_version"] as? Int == 2)
        #expect(result["parameters_version"] as? String == "scoring 1, catalog 1, pricing 1")
        #expect((result["opportunities"] as? [[String: Any]])?.first?["workflow"] as? String == "invoicing")
        // Keys come out sorted, so the JSON is stable for diffs and scripts.
        let keys = json.stdout.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map {
            $0.split(separator: "\"")[1]
        }
        #expect(keys == keys.sorted())
    }

    @Test func overridesRescoreWithoutTouchingTheAnswers() async throws {
        let workspace = BatonBinary.temporaryFolder()
        _ = try await importExample("dental-clinic", workspace: workspace)
        let before = try await BatonBinary.run(["answers", "export", "1", "--workspace", workspace]).stdout
        let normal = try await BatonBinary.run(["score", "1", "--json", "--workspace", workspace])
        let adjusted = try await BatonBinary.run([
            "score", "1", "--json", "--set", "hourly_cost=55", "--set", "scenario=low", "--workspace", workspace,
        ])
        #expect(adjusted.status == 0, "\(adjusted.stderr)")
        let a = try #require(try JSONSerialization.jsonObject(with: Data(normal.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(adjusted.stdout.utf8)) as? [String: Any])
        #expect(b["scenario"] as? String == "low")
        #expect(b["overrides"] as? [String: String] == ["hourly_cost": "55", "scenario": "low"])
        let netA = ((a["roi"] as? [String: Any])?["annual_net_benefit"] as? [String: Any])?["value"] as? Double ?? 0
        let netB = ((b["roi"] as? [String: Any])?["annual_net_benefit"] as? [String: Any])?["value"] as? Double ?? 0
        #expect(netB < netA)
        #expect(try await BatonBinary.run(["answers", "export", "1", "--workspace", workspace]).stdout == before)
    }

    @Test func badOverridesAndUnfinishedAssessmentsAreClearErrors() async throws {
        let workspace = BatonBinary.temporaryFolder()
        _ = try await importExample("dental-clinic", workspace: workspace)
        let bad = try await BatonBinary.run(["score", "1", "--set", "hourly=5", "--workspace", workspace])
        #expect(bad.status == 1)
        #expect(bad.stderr.hasPrefix("baton: unknown --set key 'hourly'; keys: hourly_cost, owner_hourly"))
        let unfinished = try await BatonBinary.run(["assess", "--workspace", workspace], stdin: "Half Done\n1\n")
        #expect(unfinished.status == 1)
        let notDone = try await BatonBinary.run(["score", "2", "--workspace", workspace])
        #expect(notDone.status == 1)
        #expect(notDone.stderr.contains("assessment 2 is not finished"))
        #expect(notDone.stderr.contains("baton assess --resume 2"))
    }
}
