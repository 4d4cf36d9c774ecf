import BatonTestSupport
import Foundation
import Testing

/// The review after N days through the real binary: an assessment, its blueprint run on the days
/// `BATON_NOW` sets, `baton kpis export`, then `baton report ID --actuals` from the file and from
/// the data folder; an edited snapshot is said to be one.
struct ReviewRunTests {
    static let secrets = ["BATON_INTAKE_TOKEN": "t", "BATON_INTAKE_HMAC_SECRET": "s"]

    @Test func exportedFiguresBecomeTheReviewAndAnEditIsSaid() async throws {
        let workspace = BatonBinary.temporaryFolder()
        let data = workspace + "/runtime"
        let assessed = try await BatonBinary.run([
            "assess", "--answers", BatonBinary.bundledPack + "/examples/plumbing-contractor.yaml", "--workspace",
            workspace,
        ])
        #expect(assessed.status == 0, "\(assessed.stderr)")
        let blueprint = workspace + "/plumbing.blueprint.yaml"
        let written = try await BatonBinary.run([
            "blueprint", "1", "-o", blueprint, "--date", "2026-03-01", "--workspace", workspace,
        ])
        #expect(written.status == 0, "\(written.stderr)")
        let explained = try await BatonBinary.run(["blueprint", "explain", blueprint])
        #expect(explained.stdout.contains("Built from assessment 1 on 2026-03-01"), "\(explained.stdout)")

        // Twelve leads over Monday 2 to Friday 6 March, each answered by the next run a few minutes on.
        for n in 0..<12 {
            let arrival = String(format: "2026-03-0%dT%02d:%02d:00Z", 2 + n % 5, 16 + n % 6, 10 + n)
            let answered = String(format: "2026-03-0%dT%02d:%02d:00Z", 2 + n % 5, 16 + n % 6, 13 + n)
            let sent = try await BatonBinary.run(
                [
                    "event", "send", "lead.received", "--data-dir", data, "--case", "lead-\(n)", "--payload",
                    "{\"name\": \"Secret Name \(n)\", \"email\": \"private\(n)@example.com\", \"phone\": \"403-555-01\(10 + n)\", \"message\": \"Water heater leaking in Calgary, asap, budget 2000\"}",
                ], environment: Self.secrets.merging(["BATON_NOW": arrival]) { $1 })
            #expect(sent.status == 0, "\(sent.stderr)")
            let ran = try await BatonBinary.run(
                ["run", blueprint, "--once", "--data-dir", data],
                environment: Self.secrets.merging(["BATON_NOW": answered]) { $1 })
            #expect(ran.status == 0, "\(ran.stderr)")
        }

        let snapshot = workspace + "/kpis.json"
        let exported = try await BatonBinary.run(
            [
                "kpis", "export", "--data-dir", data, "-o", snapshot, "--since", "2026-03-02", "--until", "2026-03-08",
                "--by", "Dana <b>Consultant</b>",
            ], environment: ["BATON_NOW": "2026-03-09T16:00:00Z"])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stderr.contains("2026-03-02 to 2026-03-08 (7 days), 12 leads"), "\(exported.stderr)")
        let json = try String(contentsOfFile: snapshot, encoding: .utf8)
        #expect(json.contains("\"schema\" : \"baton.kpi-snapshot\"") && json.contains("\"digest\" : \"sha256:"))
        #expect(!json.contains("Secret Name") && !json.contains("private") && !json.contains("403-555"))
        // Every lead answered three minutes after it came (the clock runs on from BATON_NOW: a few ms more).
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let total = try #require(object["total"] as? [String: Any])
        let p50 = try #require((total["first_response"] as? [String: Any])?["p50_minutes"] as? Double)
        // (Up to half a minute more on a loaded machine, still three minutes as the report rounds it.)
        #expect(p50 >= 3 && p50 < 3.5, "\(p50)")

        let out = workspace + "/out"
        let review = try await BatonBinary.run(
            [
                "report", "1", "--actuals", snapshot, "--workspace", workspace, "--out", out, "--format", "html",
                "--format", "md", "--format", "json", "--format", "csv",
            ])
        #expect(review.status == 0, "\(review.stderr)")
        let base = out + "/1-bow-river-plumbing-heating-review-2026-03-08"
        let html = try String(contentsOfFile: base + ".html", encoding: .utf8)
        let markdown = try String(contentsOfFile: base + ".md", encoding: .utf8)
        #expect(html.contains("Review after 7 days") && html.contains("Dana &lt;b&gt;Consultant&lt;/b&gt;"))
        #expect(!html.contains("<b>Consultant</b>") && !html.contains("changed after they were exported"))
        #expect(
            markdown.contains("| Lead first-response time | 4 hours | 5 minutes | 3 minutes | 12 | low |"),
            "\(markdown)")
        #expect(
            FileManager.default.fileExists(atPath: base + ".json")
                && FileManager.default.fileExists(atPath: base + ".csv"))

        // The file changed by hand: the review says so.
        try json.replacingOccurrences(of: "\"escalations\" : 0,", with: "\"escalations\" : 1,").write(
            toFile: snapshot, atomically: true, encoding: .utf8)
        let edited = try await BatonBinary.run(["report", "1", "--actuals", snapshot, "--workspace", workspace, "--out", out])
        #expect(edited.status == 0 && edited.stderr.contains("was changed after it was exported"), "\(edited.stderr)")
        #expect(
            try String(contentsOfFile: base + ".html", encoding: .utf8).contains("changed after they were exported"))

        // Straight from the data folder, measured now.
        let live = try await BatonBinary.run(
            ["report", "1", "--actuals", data, "--workspace", workspace, "--out", out, "--format", "md"],
            environment: ["BATON_NOW": "2026-03-09T16:00:00Z"])
        #expect(live.status == 0, "\(live.stderr)")
        #expect(live.stdout.contains("-review-2026-03-09.md"), "\(live.stdout)")

        // Another assessment's figures are refused.
        let other = try await BatonBinary.run([
            "assess", "--answers", BatonBinary.bundledPack + "/examples/dental-clinic.yaml", "--workspace", workspace,
        ])
        #expect(other.status == 0)
        let refused = try await BatonBinary.run([
            "report", "2", "--actuals", snapshot, "--workspace", workspace, "--out", out,
        ])
        #expect(refused.status != 0 && refused.stderr.contains("built from assessment 1, not 2"), "\(refused.stderr)")
    }
}
