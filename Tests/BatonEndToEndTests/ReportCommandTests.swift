import BatonTestSupport
import Foundation
import Testing

/// `baton report` and `baton note` through the real binary.
struct ReportCommandTests {
    @Test func reportWritesEveryFormatWithNotesAndBranding() async throws {
        let workspace = BatonBinary.temporaryFolder()
        _ = try await BatonBinary.run([
            "assess", "--answers", BatonBinary.bundledPack + "/examples/dental-clinic.yaml", "--workspace", workspace,
        ])
        try """
        firm: "Northwind & Co"
        accent: "#0b6e99"
        contact: hello@northwind.example
        logo: logo.svg
        """.write(toFile: workspace + "/branding.yaml", atomically: true, encoding: .utf8)
        try #"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#.write(
            toFile: workspace + "/logo.svg", atomically: true, encoding: .utf8)
        let note = try await BatonBinary.run(["note", "1", "Call back <b>Tuesday</b>", "--workspace", workspace])
        #expect(note.status == 0, "\(note.stderr)")
        let out = workspace + "/out"
        let result = try await BatonBinary.run(
            [
                "report", "1", "--format", "html", "--format", "md", "--format", "json", "--format", "csv", "--out",
                out, "--date", "2026-02-01", "--workspace", workspace,
            ])
        #expect(result.status == 0, "\(result.stderr)")
        let base = out + "/1-cedar-hill-family-dental"
        #expect(result.stdout == ["html", "md", "json", "csv"].map { "\(base).\($0)" }.joined(separator: "\n") + "\n")
        let html = try String(contentsOfFile: base + ".html", encoding: .utf8)
        #expect(html.contains("Prepared by Northwind &amp; Co on February 1, 2026"))
        #expect(html.contains("Call back &lt;b&gt;Tuesday&lt;/b&gt;"))
        #expect(html.contains("src=\"data:image/svg+xml;base64,"))
        #expect(html.contains("--accent: #0b6e99"))
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".json")))
                as? [String: Any])
        #expect(json["report_version"] as? Int == 1)
        #expect(json["notes"] as? [String] == ["Call back <b>Tuesday</b>"])
        #expect(try String(contentsOfFile: base + ".csv", encoding: .utf8).hasPrefix("rank,workflow,label,"))
    }

    @Test func anAssessmentWithNothingWorthAutomatingStillGetsItsReportAndNoBlueprint() async throws {
        let workspace = BatonBinary.temporaryFolder()
        for name in ["dental-clinic", "plumbing-contractor"] {
            _ = try await BatonBinary.run([
                "assess", "--answers", BatonBinary.bundledPack + "/examples/\(name).yaml", "--workspace", workspace,
            ])
        }
        let score = try await BatonBinary.run(["score", "1", "--set", "working_weeks=0", "--workspace", workspace])
        #expect(score.status == 0, "\(score.stderr)")
        #expect(score.stdout.contains("Recommended: nothing yet"), "\(score.stdout)")
        #expect(!score.stdout.contains("0 agents"))
        let out = workspace + "/out"
        let report = try await BatonBinary.run([
            "report", "--all", "--format", "html", "--format", "md", "--out", out, "--workspace", workspace,
        ])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: out + "/1-cedar-hill-family-dental.html", encoding: .utf8)
        #expect(html.contains("Nothing is worth automating yet"))
        #expect(!html.contains("Starter tier") && !html.contains("paying back in"))
        let markdown = try String(contentsOfFile: out + "/1-cedar-hill-family-dental.md", encoding: .utf8)
        #expect(markdown.contains("Nothing is worth automating yet"))
        #expect(FileManager.default.fileExists(atPath: out + "/2-bow-river-plumbing-heating.html"))
        let blueprint = try await BatonBinary.run(["blueprint", "1", "--workspace", workspace])
        #expect(blueprint.status != 0)
        #expect(blueprint.stderr.contains("no agent worth building"), "\(blueprint.stderr)")
        #expect(blueprint.stdout.isEmpty)
    }

    @Test func allReportsEveryCompletedAssessmentAndPDFUsesARealEngine() async throws {
        let workspace = BatonBinary.temporaryFolder()
        for name in ["plumbing-contractor", "bookkeeping-firm"] {
            _ = try await BatonBinary.run([
                "assess", "--answers", BatonBinary.bundledPack + "/examples/\(name).yaml", "--workspace", workspace,
            ])
        }
        let out = workspace + "/out"
        let result = try await BatonBinary.run(["report", "--all", "--pdf", "--out", out, "--workspace", workspace])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(
            files == [
                "1-bow-river-plumbing-heating.html", "1-bow-river-plumbing-heating.pdf",
                "2-tremblay-bookkeeping-services.html", "2-tremblay-bookkeeping-services.pdf",
            ])
        let pdf = try Data(contentsOf: URL(fileURLWithPath: out + "/1-bow-river-plumbing-heating.pdf"))
        #expect(pdf.starts(with: Data("%PDF".utf8)))
        let noEngine = try await BatonBinary.run(
            ["report", "1", "--pdf", "--out", out, "--workspace", workspace], environment: ["PATH": "/nonexistent"])
        #expect(noEngine.status == 1)
        #expect(noEngine.stderr.contains("no PDF engine found: install WeasyPrint"))
    }

    @Test func badBrandingAndTemplatesAreClearErrors() async throws {
        let workspace = BatonBinary.temporaryFolder()
        _ = try await BatonBinary.run([
            "assess", "--answers", BatonBinary.bundledPack + "/examples/dental-clinic.yaml", "--workspace", workspace,
        ])
        try "firm: X\naccent: blue\n".write(toFile: workspace + "/branding.yaml", atomically: true, encoding: .utf8)
        let branding = try await BatonBinary.run(["report", "1", "--out", workspace + "/o", "--workspace", workspace])
        #expect(branding.status == 1)
        #expect(branding.stderr.contains("\(workspace)/branding.yaml:2:9: error: accent must be a colour"))
        try FileManager.default.removeItem(atPath: workspace + "/branding.yaml")
        let templates = workspace + "/t"
        try FileManager.default.createDirectory(atPath: templates, withIntermediateDirectories: true)
        try "{{#agents}}\n".write(toFile: templates + "/report.html.mustache", atomically: true, encoding: .utf8)
        try "ok\n".write(toFile: templates + "/report.md.mustache", atomically: true, encoding: .utf8)
        let template = try await BatonBinary.run([
            "report", "1", "--templates", templates, "--out", workspace + "/o", "--workspace", workspace,
        ])
        #expect(template.status == 1)
        #expect(template.stderr.hasPrefix("baton: \(templates)/report.html.mustache:"))
        let neither = try await BatonBinary.run(["report", "--workspace", workspace])
        #expect(neither.status != 0)
        #expect(neither.stderr.contains("give one assessment id, or --all, or --examples"))
    }
}
