import Blueprint
import Foundation
import Orchestrator
import Testing

@testable import Reports

/// The daily report through its templates: Markdown and valid, escaped HTML.
struct DailyReportTemplateTests {
    @Test func theDailyReportRendersAsMarkdownAndHTML() throws {
        let path = ReportFixtures.packageRoot.appendingPathComponent(
            "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"
        ).path
        var blueprint = try BlueprintFile.load(path: path)
        blueprint.business.name = "<script>alert(1)</script> Plumbing"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-daily-\(UUID().uuidString)")
            .path
        let now = Date(timeIntervalSince1970: 1_772_467_200)
        let store = try RuntimeStore(folder: folder, clock: { now })
        try store.submit(
            type: "lead.received", caseID: "lead-1",
            payload: [
                "name": "Dana", "email": "dana@example.com", "budget": "1", "city": "Calgary", "timeline": "asap",
                "message": "send the contract",
            ],
            producer: "intake")
        try Engine(blueprint: blueprint, store: store).runUntilIdle()
        try Dispatcher(store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "o@example.com")
            .dispatch()
        let files = try DailyReportTemplates(folder: ReportFixtures.templates).render(
            try DailyReport(store, blueprint: blueprint, day: now))
        let markdown = try #require(files.first { $0.fileExtension == "md" }?.text)
        let html = try #require(files.first { $0.fileExtension == "html" }?.text)
        // An underscore inside a word is no emphasis: it is left as written.
        #expect(markdown.contains("## lead_qualifier\n- tasks processed: 1\n- actions taken: 1"))
        #expect(markdown.contains("\\<script>") && !markdown.contains("&lt;"))
        #expect(markdown.contains("- leads answered: 1; first response p50 0 s"))
        #expect(markdown.contains("denied: contract.send"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;"))
        let file = try ReportFixtures.temporaryFile("daily.html", html)
        let (status, output) = try ReportFixtures.python(
            "import sys, html5lib; html5lib.HTMLParser(strict=True).parse(open(sys.argv[1]).read())", [file])
        #expect(status == 0, "\(output)")
    }
}
