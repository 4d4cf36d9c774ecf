import Foundation
import Scoring
import Testing

@testable import Reports

/// Every result the scorer can produce renders in every format, and the words agree with the
/// figures: checked over hundreds of generated businesses, including plans with no agents, zero
/// hours, huge values and every override.
struct ReportTotalityPropertyTests {
    static let count = 240

    /// Generated profiles, then the same profiles pushed to the edges.
    static func cases() throws -> [(profile: BusinessProfile, overrides: [String])] {
        let model = try ScoringModel.load(packFolder: ReportFixtures.packFolder)
        var generator = ProfileGenerator(seed: 11, workflowTypes: Array(model.parameters.workflows.keys))
        let overrideSets: [[String]] = [
            [], ["working_weeks=0"], ["hourly_cost=0"], ["scenario=low"], ["scenario=high"], ["tier=starter"],
            ["tier=scale", "discount_rate=0.3"], ["gross_margin=1", "samples=50", "seed=3"], ["owner_hourly=1000"],
            ["staff_hourly=0.01"],
        ]
        var cases: [(BusinessProfile, [String])] = []
        for i in 0..<count {
            var profile = generator.next()
            // A name an older workspace may hold, from before answers refused control characters.
            if i % 5 == 0 { profile.name = "Acme\u{1B}]0;owned\u{07} \u{202E}Dental\u{0}" }
            switch i % 6 {
            case 1:
                // Zero hours everywhere: nothing can be saved.
                for w in profile.workflows.indices { profile.workflows[w].hoursPerWeek = 0 }
            case 2:
                // Huge values: the most the questionnaire accepts.
                for w in profile.workflows.indices {
                    profile.workflows[w].hoursPerWeek = 400
                    profile.workflows[w].volumePerWeek = 100_000
                }
                profile.leads = LeadFigures(
                    perWeek: 10_000, responseMinutes: 43_200, closeRate: 0.5, dealValue: 1_000_000)
                profile.teamSize = 1
            case 3:
                profile.workflows = []
            default: break
            }
            cases.append((profile, overrideSets[i % overrideSets.count]))
        }
        return cases
    }

    @Test func everyResultRendersInEveryFormat() throws {
        let model = try ScoringModel.load(packFolder: ReportFixtures.packFolder)
        let renderer = ReportRenderer(templates: try TemplateSet(folder: ReportFixtures.templates))
        var noAgents = 0
        for (profile, overrides) in try Self.cases() {
            var scoringModel = model
            scoringModel.parameters.roi.monteCarlo.samples = 50
            let result = try Scorer(model: scoringModel).score(
                profile, overrides: try ScoringOverrides(parsing: overrides))
            let input = ReportInput(
                result: result, assessmentID: 1, date: ExampleReports.exampleDate, notes: ["A note; with <markup>"],
                branding: .standard, paper: .a4, model: model,
                blueprint: BlueprintPlanner(catalog: model.catalog).blueprint(for: result, profile: profile))
            let label = "\(profile.name) \(overrides)"
            let html = try renderer.render(input, as: .html)
            let markdown = try renderer.render(input, as: .md)
            let json = try renderer.render(input, as: .json)
            let csv = try renderer.render(input, as: .csv)
            #expect(!html.contains("{{") || profile.workflows.contains { $0.name?.contains("{{") == true }, "\(label)")
            #expect(html.hasSuffix("</html>\n") || html.hasSuffix("</html>"), "\(label)")
            #expect(!html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }, "\(label)")
            #expect(!markdown.isEmpty && !csv.isEmpty)
            #expect(json.contains("\"result\""))
            // No list ends in a stray separator.
            #expect(!html.contains("; </p>") && !html.contains(";; "), "\(label)")
            for line in html.split(separator: "\n") where line.contains("<strong>May:</strong>") {
                #expect(line.hasSuffix(".</p>"), "\(label): \(line)")
            }
            #expect(!markdown.contains("; \n"), "\(label)")
            if result.plan.agents.isEmpty {
                noAgents += 1
                #expect(html.contains("Nothing is worth automating yet"), "\(label)")
                #expect(!html.contains("0 agents") && !html.contains("paying back in"), "\(label)")
                #expect(!markdown.contains("paying back in"), "\(label)")
                #expect(!html.contains("book the build kickoff"), "\(label)")
            } else {
                // Only workflows in the plan are where to start.
                let summary = try #require(html.components(separatedBy: "<section id=\"summary\">").last)
                let start = try #require(summary.components(separatedBy: "</strong>").first)
                for o in result.opportunities
                where !o.inPlan
                    && !result.opportunities.contains(where: {
                        $0.inPlan && $0.label.contains(o.label)
                    })
                {
                    #expect(!start.contains(Self.htmlEscaped(o.label)), "\(label): \(o.label) is not in the plan")
                }
            }
            if !result.plan.agents.isEmpty && result.roi.annualRevenueUpside.value > 0 {
                // Every scenario row shows its net both ways.
                let style = MoneyStyle(currency: result.business.currency, region: result.business.region)
                let cost = try #require(html.components(separatedBy: "<section id=\"cost\"").last)
                for s in result.roi.scenarios {
                    let net = MoneyFormat.money(NSDecimalNumber(decimal: s.annualNetBenefit).doubleValue, style)
                    let timeOnly = MoneyFormat.money(
                        NSDecimalNumber(decimal: s.timeOnly.annualNetBenefit).doubleValue, style)
                    #expect(cost.contains(">\(net)</td>") && cost.contains(">\(timeOnly)</td>"), "\(label) \(s.name)")
                }
            }
            if result.readiness.level == "not_yet" || result.plan.overBudget {
                #expect(!html.contains("build starts") && !html.contains("whether to go ahead"), "\(label)")
            }
            // Next steps are in date order.
            let steps = NextSteps(result: result, date: ExampleReports.exampleDate).steps()
            let dates = steps.compactMap { step -> Date? in
                guard step.hasPrefix("By "), let colon = step.firstIndex(of: ":") else { return nil }
                return Self.reportDate.date(from: String(step[step.index(step.startIndex, offsetBy: 3)..<colon]))
            }
            #expect(dates.count == steps.filter { $0.hasPrefix("By ") }.count, "\(label): \(steps)")
            #expect(dates == dates.sorted(), "\(label): \(steps)")
            #expect(Set(steps).count == steps.count, "\(label): a step twice")
        }
        #expect(noAgents > 40, "the cases must include many plans with no agents, got \(noAgents)")
    }

    @Test func rowsHoldTheNamesTheTemplatesAreCheckedAgainst() throws {
        let input = try ReportFixtures.input("dental-clinic")
        let values = ReportContext(input: input, withCharts: false).values()
        for (path, names) in ReportContext.rowNames {
            var node: Any? = values
            for part in path.split(separator: ".") { node = (node as? [String: Any])?[String(part)] }
            let rows = try #require(node as? [[String: Any]], "\(path)")
            #expect(!rows.isEmpty, "\(path) is empty in the dental example")
            for row in rows { #expect(Set(row.keys) == Set(names), "\(path)") }
        }
    }

    @Test func aMisspeltNameInsideAnEmptyListIsStillAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in [TemplateSet.htmlName, TemplateSet.markdownName] {
            var text = try String(contentsOfFile: ReportFixtures.templates + "/" + name, encoding: .utf8)
            text = text.replacingOccurrences(of: "{{role}}", with: "{{rol}}")
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let renderer = ReportRenderer(templates: try TemplateSet(folder: folder.path))
        #expect(throws: TemplateError.self) {
            try renderer.render(try ReportFixtures.input("dental-clinic"), as: .html)
        }
    }

    static let reportDate: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_CA")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMMM d, yyyy"
        return formatter
    }()

    static func htmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
