import BatonTestSupport
import Foundation
import Testing

/// Through the real binary on the days `BATON_NOW` sets (months before the machine's own date): the
/// runtime's commands read its clock, not the machine's: `baton run --once` stamps its log lines with
/// it, `baton kpis` counts the last 24 hours before it, `baton daily-report --week` writes its week.
/// `baton kpis export --help` lists every option the subcommand takes, and it takes no other.
struct RuntimeClockCommandTests {
    static let secrets = ["BATON_INTAKE_TOKEN": "t", "BATON_INTAKE_HMAC_SECRET": "s"]

    @Test func theRuntimeCommandsReadTheRuntimesClock() async throws {
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

        // Three leads on Tuesday 10 March 2026, answered by a run five minutes on.
        for n in 0..<3 {
            let sent = try await BatonBinary.run(
                [
                    "event", "send", "lead.received", "--data-dir", data, "--case", "lead-\(n)", "--payload",
                    "{\"name\": \"Dana \(n)\", \"email\": \"dana\(n)@example.com\", \"message\": \"Water heater leaking in Calgary, asap, budget 2000\"}",
                ], environment: Self.secrets.merging(["BATON_NOW": "2026-03-10T16:0\(n):00Z"]) { $1 })
            #expect(sent.status == 0, "\(sent.stderr)")
        }
        let ran = try await BatonBinary.run(
            ["run", blueprint, "--once", "--data-dir", data],
            environment: Self.secrets.merging(["BATON_NOW": "2026-03-10T16:05:00Z"]) { $1 })
        #expect(ran.status == 0, "\(ran.stderr)")
        let lines = ran.stderr.split(separator: "\n")
        #expect(lines.contains { $0.contains("idle; done") }, "\(ran.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("2026-03-10T16:05:") }, "\(ran.stderr)")

        // The last 24 hours before the runtime's now hold the three leads (the machine's hold none).
        for command in [["kpis"], ["kpis", "show"]] {
            let kpis = try await BatonBinary.run(
                command + ["--json", "--data-dir", data], environment: ["BATON_NOW": "2026-03-10T18:00:00Z"])
            #expect(kpis.status == 0, "\(kpis.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(kpis.stdout.utf8)) as? [String: Any])
            #expect(object["leads_received"] as? Int == 3 && object["leads_answered"] as? Int == 3, "\(kpis.stdout)")
            #expect(object["inquiries_received"] as? Int == 0, "\(kpis.stdout)")
        }
        let later = try await BatonBinary.run(
            ["kpis", "--json", "--data-dir", data], environment: ["BATON_NOW": "2026-03-12T18:00:00Z"])
        #expect(later.stdout.contains("\"leads_received\" : 0"), "\(later.stdout)")

        // The week on demand: the one that holds the runtime's today, or the one that holds --date.
        let out = workspace + "/reports"
        let week = try await BatonBinary.run(
            ["daily-report", "--week", "--data-dir", data, "--out", out],
            environment: ["BATON_NOW": "2026-03-12T18:00:00Z"])
        #expect(week.status == 0, "\(week.stderr)")
        #expect(
            week.stdout.hasPrefix(
                "# Weekly report: Bow River Plumbing & Heating\n\nMonday 9 March to Sunday 15 March 2026 (America/Edmonton), Monday midnight to Monday midnight\n"
            ), "\(week.stdout)")
        #expect(week.stdout.contains("- received: 3; answered: 3;"), "\(week.stdout)")
        #expect(week.stdout.contains("h taken over this week, an estimate"), "\(week.stdout)")
        let html = try String(contentsOfFile: out + "/weekly-2026-03-09.html", encoding: .utf8)
        #expect(html.contains("<h1>Weekly report: Bow River Plumbing &amp; Heating</h1>"))
        let before = try await BatonBinary.run(
            ["daily-report", "--week", "--date", "2026-03-04", "--data-dir", data, "--out", out],
            environment: ["BATON_NOW": "2026-03-12T18:00:00Z"])
        #expect(before.status == 0 && before.stdout.contains("- received: 0;"), "\(before.stdout)")
        #expect(FileManager.default.fileExists(atPath: out + "/weekly-2026-03-02.md"))
        let day = try await BatonBinary.run(
            ["daily-report", "--data-dir", data, "--out", out], environment: ["BATON_NOW": "2026-03-10T18:00:00Z"])
        #expect(day.stdout.hasPrefix("# Daily report: Bow River Plumbing & Heating\n\nTuesday 10 March 2026 "))
    }

    @Test func kpisExportsHelpListsWhatItTakesAndItTakesNothingElse() async throws {
        let help = try await BatonBinary.run(["kpis", "export", "--help"])
        #expect(help.status == 0)
        for option in ["--data-dir <dir>", "--since <date>", "--until <date>", "--by <name>", "--output <file>"] {
            #expect(help.stdout.contains(option), "\(option) not in:\n\(help.stdout)")
        }
        // Options of `baton kpis` (show) are not the export's: refused, not silently ignored.
        for option in ["--json", "--all"] {
            let refused = try await BatonBinary.run(["kpis", "export", option, "--data-dir", BatonBinary.temporaryFolder()])
            #expect(refused.status != 0 && refused.stderr.contains(option), "\(refused.stderr)")
        }
        let kpisHelp = try await BatonBinary.run(["kpis", "--help"])
        #expect(kpisHelp.stdout.contains("show") && kpisHelp.stdout.contains("export"), "\(kpisHelp.stdout)")
    }
}
