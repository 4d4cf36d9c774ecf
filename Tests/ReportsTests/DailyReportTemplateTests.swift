import BatonTestSupport
import Foundation
import Testing

@testable import Reports

/// The daily report through its templates, from plain values as the runtime builds them
/// (`DailyReport.templateValues`, checked in OrchestratorTests): Markdown and valid, escaped HTML.
struct DailyReportTemplateTests {
    /// The values of one day, shaped as `DailyReport.templateValues` shapes them.
    static func values(
        business: String, agent: String = "lead_qualifier", edgeCases: [String] = ["denied: contract.send"],
        deadLetters: [String] = [], unanswered: [String] = ["phone-only: 3 h 12 min (nothing sent)"],
        waiting: [String] = [], deferred: [String] = ["lead_qualifier: 90 actions over its hourly limit, the first at 17:00"]
    ) -> [String: Any] {
        [
            "title": "Daily report", "business": business, "day": "Monday 2 March 2026",
            "covers": "midnight to midnight",
            "time_zone": "America/Edmonton",
            "agents": [
                [
                    "id": agent, "tasks": "1", "actions": "1", "escalated": "0", "approved": "0", "rejected": "0",
                    "overridden": "0", "edge_cases": edgeCases, "has_edge_cases": !edgeCases.isEmpty,
                ] as [String: Any]
            ],
            "kpis": [
                "leads_answered": "1", "p50": "0 s", "p90": "0 s", "has_target": true, "baseline": "240 min",
                "target": "5 min", "escalations": "0", "denials": "1", "has_inquiries": true,
                "inquiries_received": "3", "inquiries_answered": "2", "inquiry_p50": "4.0 min", "inquiry_p90": "2 h",
                "progress": ["Lead first-response time: median 0 s over 1 lead, too few to be sure (baseline 240 min, target 5 min)"],
                "has_progress": true,
            ] as [String: Any],
            "dead_letters": deadLetters, "has_dead_letters": !deadLetters.isEmpty,
            "deferred": deferred, "has_deferred": !deferred.isEmpty,
            "books": [
                "outstanding": ["2 invoices owed: 1,730.50 USD (1 overdue)"],
                "chased": ["INV-1 Dana <b>Lee</b>, 1,250.00 USD: 10 days overdue, reminded"], "paid": [String](),
                "has_books": true, "has_chased": true, "has_paid": false,
            ] as [String: Any],
            "leads": [
                "received": "2", "answered": "1", "spam": "0", "waiting_count": "\(waiting.count)", "waiting": waiting,
                "has_waiting": !waiting.isEmpty, "unanswered_count": "\(unanswered.count)", "unanswered": unanswered,
                "has_unanswered": !unanswered.isEmpty,
            ] as [String: Any],
        ]
    }

    static func validateHTML(_ files: [String]) async throws -> (status: Int32, output: String) {
        try await ReportFixtures.python(
            """
            import sys, html5lib
            for path in sys.argv[1:]:
                try:
                    html5lib.HTMLParser(strict=True).parse(open(path).read())
                except Exception as error:
                    print(path, error)
                    sys.exit(1)
            """, files)
    }

    @Test func theDailyReportRendersAsMarkdownAndHTML() async throws {
        let files = try DailyReportTemplates(folder: ReportFixtures.templates).render(
            Self.values(business: "<script>alert(1)</script> Plumbing"))
        let markdown = try #require(files.first { $0.fileExtension == "md" }?.text)
        let html = try #require(files.first { $0.fileExtension == "html" }?.text)
        // An underscore inside a word is no emphasis: it is left as written.
        #expect(markdown.contains("## lead_qualifier\n- tasks processed: 1\n- actions taken: 1"))
        #expect(markdown.contains("\\<script>") && !markdown.contains("&lt;"))
        #expect(markdown.contains("- leads answered: 1; first response p50 0 s"))
        #expect(markdown.contains("- baseline 240 min, target 5 min"))
        #expect(markdown.contains("denied: contract.send"))
        #expect(
            markdown.contains(
                "## Leads\n- received: 2; answered: 1; waiting for a person: 0; unanswered: 1; spam: 0\n"
                    + "- unanswered, with how long each has waited:\n  - phone-only: 3 h 12 min (nothing sent)"))
        #expect(html.contains("<li>phone-only: 3 h 12 min (nothing sent)</li>"))
        #expect(markdown.contains("lead_qualifier: 90 actions over its hourly limit, the first at 17:00"))
        #expect(html.contains("<li>lead_qualifier: 90 actions over its hourly limit, the first at 17:00</li>"))
        #expect(
            markdown.contains(
                "## Invoices\n- 2 invoices owed: 1,730.50 USD (1 overdue)\n- chased: INV-1 Dana \\<b>Lee\\</b>, 1,250.00 USD"))
        #expect(html.contains("<li>Chased: INV-1 Dana &lt;b&gt;Lee&lt;/b&gt;, 1,250.00 USD: 10 days overdue, reminded</li>"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;"))
        let file = try ReportFixtures.temporaryFile("daily.html", html)
        let (status, output) = try await Self.validateHTML([file])
        #expect(status == 0, "\(output)")
    }

    /// People's text in every place a value goes (the business, an agent's id, edge cases, dead
    /// letters): never markup in the HTML, always valid HTML5.
    @Test func hostileTextInEveryValueStaysText() async throws {
        let templates = try DailyReportTemplates(folder: ReportFixtures.templates)
        var paths: [String] = []
        for seed in 0..<60 {
            var gen = HostileText(seed: UInt64(seed) &+ 80_000)
            let business = gen.string(hostileShare: 30) + " <b onclick=x>&amp;"
            let files = try templates.render(
                Self.values(
                    business: business, agent: gen.string(), edgeCases: (0..<gen.int(0...3)).map { _ in gen.string() },
                    deadLetters: (0..<gen.int(0...2)).map { _ in "lead-1: x #1 failed 5 times: <img src=x>" },
                    unanswered: (0..<gen.int(0...2)).map { _ in gen.string() + " <img src=x>" },
                    waiting: (0..<gen.int(0...2)).map { _ in gen.string() },
                    deferred: (0..<gen.int(0...2)).map { _ in gen.string() + " <img src=x>" }))
            let html = try #require(files.first { $0.fileExtension == "html" }?.text)
            #expect(!html.contains("<b onclick") && !html.contains("<img src"), "seed \(seed)")
            paths.append(try ReportFixtures.temporaryFile("daily-\(seed).html", html))
        }
        let (status, output) = try await Self.validateHTML(paths)
        #expect(status == 0, "\(output)")
    }

    /// A template that names a value the caller did not give is refused, not rendered blank.
    @Test func aMissingValueIsRefused() throws {
        let templates = try DailyReportTemplates(folder: ReportFixtures.templates)
        for key in ["business", "agents", "kpis", "day", "leads"] {
            var values = Self.values(business: "Northside")
            values[key] = nil
            #expect(throws: (any Error).self, "without \(key)") { try templates.render(values) }
        }
    }
}
