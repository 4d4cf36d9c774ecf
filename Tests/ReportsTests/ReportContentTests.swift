import Foundation
import Testing

@testable import Reports

struct ReportContentTests {
    @Test func theHTMLHasEverySectionInOrder() throws {
        let html = try ReportFixtures.render(
            try ReportFixtures.input("dental-clinic", notes: ["Start with invoicing."]), .html)
        let sections = [
            "Executive summary", "Readiness: ", "Opportunities, best first", "The recommended agent system",
            "Cost and return",
            "Implementation timeline", "Baseline and actual", "Consultant's notes", "Assumptions and sources",
            "Next steps",
        ]
        var position = html.startIndex
        for heading in sections {
            let range = try #require(
                html.range(of: "<h2>\(heading)", range: position..<html.endIndex), "missing or out of order: \(heading)"
            )
            position = range.upperBound
        }
        #expect(html.contains("Prepared by Baton on January 15, 2026"))
        #expect(html.contains("Start with invoicing."))
        #expect(html.contains("size: Letter;"))
        #expect(html.contains("counter(pages)"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || html.contains("http://www.w3.org/2000/svg"))
        #expect(
            try ReportFixtures.render(try ReportFixtures.input("dental-clinic", paper: .a4), .html).contains(
                "size: A4;"))
    }

    @Test func everyChartIsPresentWithItsTextAlternative() throws {
        let html = try ReportFixtures.render(try ReportFixtures.input("plumbing-contractor"), .html)
        for id in ["chart-hours", "chart-cash", "chart-timeline", "chart-readiness"] {
            #expect(html.contains("aria-labelledby=\"\(id)-title \(id)-desc\""), "\(id)")
            let desc = try #require(html.range(of: "<desc id=\"\(id)-desc\">"))
            let end = try #require(html.range(of: "</desc>", range: desc.upperBound..<html.endIndex))
            #expect(
                html.distance(from: desc.upperBound, to: end.lowerBound) > 40, "\(id) needs a real text alternative")
        }
        #expect(html.components(separatedBy: "<svg ").count - 1 == 4)
        #expect(html.contains("Payback: month 10.3"))
        #expect(html.contains("Hours per week"))
        #expect(html.contains("Months from the start"))
        #expect(html.contains("Weeks from the start"))
    }

    @Test(arguments: ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "Bob's <b>Plumbing</b> & Co"])
    func whatAPersonTypedIsShownAsText(name: String) async throws {
        let input = try ReportFixtures.input("dental-clinic", name: name, notes: [name])
        let html = try ReportFixtures.render(input, .html)
        #expect(!html.contains(name), "raw text leaked into the HTML")
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("<b>Plumbing"))
        #expect(html.contains("&lt;"))
        let markdown = try ReportFixtures.render(input, .md)
        // Each `<` that could open a tag is backslash-escaped, so Markdown shows it as text.
        #expect(markdown.range(of: #"(?<!\\)<(script|img|b)"#, options: .regularExpression) == nil)
        #expect(!markdown.contains("&lt;"))
        let path = try ReportFixtures.temporaryFile("hostile.html", html)
        let (status, output) = try await ReportFixtures.python(
            "import sys, html5lib; html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], encoding='utf-8').read())",
            [path])
        #expect(status == 0, "the report with a hostile name is not valid HTML5: \(output)")
    }

    @Test func theFirmNameInThePageFooterIsEscapedForCSS() throws {
        var input = try ReportFixtures.input("dental-clinic")
        input.branding = Branding(firm: "Smith & \"Jones\" </style>", logoDataURI: nil, accent: "#123456", contact: nil)
        let html = try ReportFixtures.render(input, .html)
        #expect(html.contains(#"@bottom-left { content: "Smith \26  \22 Jones\22  \3c \2f style\3e ";"#))
        #expect(html.components(separatedBy: "</style>").count == 2)
    }

    @Test func csvDefusesFormulasAndQuotesCells() {
        #expect(ReportRenderer.csvCell("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(ReportRenderer.csvCell("+1 555") == "'+1 555")
        #expect(ReportRenderer.csvCell("-12.5") == "-12.5")
        #expect(ReportRenderer.csvCell("a, b") == "\"a, b\"")
        #expect(ReportRenderer.csvCell("plain") == "plain")
    }

    @Test(arguments: ["json", "csv"])
    func formatsMatchTheirGoldenFiles(format: String) throws {
        let actual = try ReportFixtures.render(
            try ReportFixtures.input("dental-clinic"), ReportRenderer.Format(rawValue: format)!)
        let path = ReportFixtures.packageRoot.appendingPathComponent(
            "Tests/ReportsTests/Golden/dental-clinic.\(format)"
        ).path
        if ProcessInfo.processInfo.environment["BATON_UPDATE_GOLDEN"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        #expect(
            actual == (try String(contentsOfFile: path, encoding: .utf8)),
            "dental-clinic.\(format) drifted; regenerate with BATON_UPDATE_GOLDEN=1 and review")
    }

    @Test func theExampleReportsInTheRepositoryAreWhatTheCodeProduces() throws {
        let folder = ReportFixtures.packageRoot.appendingPathComponent("reports/examples").path
        let rendered = try ExampleReports.render(
            packFolder: ReportFixtures.packFolder, templates: TemplateSet(folder: ReportFixtures.templates))
        // Five reports in two formats, and the review of the one example with a snapshot.
        #expect(rendered.count == 12)
        for (name, text) in rendered {
            let committed = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            #expect(
                committed == text, "reports/examples/\(name) is out of date: run `swift run baton report --examples`")
        }
    }

    @Test func theHTMLIsValidHTML5ForARealParser() async throws {
        let path = try ReportFixtures.temporaryFile(
            "report.html", try ReportFixtures.render(try ReportFixtures.input("real-estate-team"), .html))
        let check = """
            import sys, html5lib
            parser = html5lib.HTMLParser(strict=True)
            try:
                parser.parse(open(sys.argv[1], encoding='utf-8').read())
            except Exception as e:
                print('invalid:', e, parser.errors[:3]); sys.exit(1)
            print('valid')
            """
        let (status, output) = try await ReportFixtures.python(check, [path])
        #expect(status == 0, "html5lib (installed by ./scripts/test) says: \(output)")
    }

    @Test func templateErrorsNameTheFileAndLine() throws {
        let folder = try ReportFixtures.temporaryFile("report.md.mustache", "fine\n")
        let dir = (folder as NSString).deletingLastPathComponent
        try "<p>\n{{#opportunities}}\n<b>{{label}}</b>\n{{/agents}}\n".write(
            toFile: dir + "/report.html.mustache", atomically: true, encoding: .utf8)
        #expect {
            _ = try TemplateSet(folder: dir)
        } throws: { error in
            "\(error)".hasPrefix("\(dir)/report.html.mustache:4:")
                && "\(error)".contains("closed with a different name")
        }
        for (template, column) in [
            ("<p>x</p>{{=<% %>=}}<%&business.name%>\n", 9), ("{{% CONTENT_TYPE: TEXT }}\n{{business.name}}\n", 1),
        ] {
            try template.write(toFile: dir + "/report.html.mustache", atomically: true, encoding: .utf8)
            #expect {
                _ = try TemplateSet(folder: dir)
            } throws: { error in
                "\(error)".hasPrefix("\(dir)/report.html.mustache:1:\(column): ")
                    && "\(error)".contains("may not change delimiters or turn escaping off")
            }
        }
        try "<p>{{#agentz}}x{{/agentz}}</p>\n".write(
            toFile: dir + "/report.html.mustache", atomically: true, encoding: .utf8)
        let misspelt = try TemplateSet(folder: dir)
        #expect {
            _ = try ReportRenderer(templates: misspelt).render(try ReportFixtures.input("dental-clinic"), as: .html)
        } throws: { error in
            "\(error)"
                == "\(dir)/report.html.mustache:1:4: no value named 'agentz' in 'agentz' (see docs/reports.md for the names)"
        }
        try "<p>{{> header}}</p>\n".write(toFile: dir + "/report.html.mustache", atomically: true, encoding: .utf8)
        #expect(throws: TemplateError.self) { _ = try TemplateSet(folder: dir) }
        try "<p>{{{business.name}}}</p>\n".write(
            toFile: dir + "/report.html.mustache", atomically: true, encoding: .utf8)
        #expect {
            _ = try TemplateSet(folder: dir)
        } throws: { error in
            "\(error)"
                == "\(dir)/report.html.mustache:1:4: unescaped output of 'business.name' is not allowed (only the charts may use {{{ }}})"
        }
    }
}
