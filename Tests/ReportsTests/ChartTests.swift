import Foundation
import Testing

@testable import Reports
@testable import Scoring

/// The charts keep every label inside the picture, with its sign, for any figures a result can hold.
struct ChartTests {
    /// One `<text>` of a chart: where it is anchored, how big, and what it says (unescaped).
    struct Label {
        let x: Double
        let anchor: String
        let size: Double
        let bold: Bool
        let text: String

        /// The horizontal extent the text takes, by the charts' own width estimate.
        var extent: ClosedRange<Double> {
            let w = SVG.width(of: text, size: size, bold: bold)
            switch anchor {
            case "middle": return (x - w / 2)...(x + w / 2)
            case "end": return (x - w)...x
            default: return x...(x + w)
            }
        }
    }

    static func labels(_ svg: String) -> (width: Double, labels: [Label]) {
        let viewBox = svg.firstMatch(of: /viewBox="0 0 ([0-9.]+) ([0-9.]+)"/).map { Double($0.1)! } ?? 0
        let pattern =
            /<text x="(-?[0-9.]+)" y="-?[0-9.]+" text-anchor="(\w+)" font-size="([0-9.]+)"( font-weight="bold")? fill="[^"]*">([^<]*)<\/text>/
        let labels = svg.matches(of: pattern).map { m in
            Label(
                x: Double(m.1)!, anchor: String(m.2), size: Double(m.3)!, bold: m.4 != nil,
                text: String(m.5).replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(
                    of: "&gt;", with: ">"
                )
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&"))
        }
        return (viewBox, labels)
    }

    /// Every label lies inside the viewBox (to the rounding of SVG coordinates).
    static func expectInside(_ svg: String, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let (width, labels) = Self.labels(svg)
        #expect(width > 0 && !labels.isEmpty, "\(context): no chart", sourceLocation: sourceLocation)
        for label in labels {
            #expect(
                label.extent.lowerBound >= -0.1 && label.extent.upperBound <= width + 0.1,
                "\(context): \"\(label.text)\" spans \(label.extent) in a \(width)-wide chart",
                sourceLocation: sourceLocation)
        }
    }

    static let base: AssessmentResult = {
        // swift-format-ignore: NeverUseForceTry
        try! ReportFixtures.input("plumbing-contractor").result
    }()

    /// A cash flow from `start` (the build, negative) rising or falling linearly to `end` over 36 months.
    static func withCashFlow(start: Double, end: Double, region: String = "ontario", currency: String = "CAD")
        -> AssessmentResult
    {
        var r = base
        r.business.region = region
        r.business.currency = currency
        r.roi.cumulativeCashFlow = (0...36).map { Decimal(start + (end - start) * Double($0) / 36) }
        if start < 0, end > 0 {
            let month = -start / (end - start) * 36
            r.roi.paybackMonths = Figure(month, unit: "months", places: 1, why: "")
        } else {
            r.roi.paybackMonths = nil
        }
        return r
    }

    @Test(arguments: [
        (-1_234_567_890.0, 5_000_000.0, "−$1.5B"), (-1_234_567_890.0, 9_876_543_210.0, "−$5B"),
        (-1_234_567_890.0, -1_000.0, "−$1.5B"), (-25_000.0, 80_000.0, "−$50,000"),
        (-999_999_999_999.0, -1.0, "−$1T"),
    ])
    func aHugeNegativeCashFlowKeepsItsSign(start: Double, end: Double, lowest: String) {
        let svg = Charts.cashFlow(Self.withCashFlow(start: start, end: end), accent: "#0b6e99")
        let (_, labels) = Self.labels(svg)
        let ticks = labels.filter { $0.anchor == "end" && $0.text.contains("$") }
        #expect(ticks.first?.text == lowest, "\(ticks.map(\.text))")
        #expect(ticks.first.map { $0.extent.lowerBound >= 0 } == true)
        Self.expectInside(svg, "\(start)…\(end)")
        // The text alternative keeps the exact, grouped figures.
        #expect(svg.contains(MoneyFormat.money(start, MoneyStyle(currency: "CAD", region: "ontario"))))
    }

    @Test func cashFlowLabelsStayInsideForHundredsOfGeneratedFlows() {
        var rng = SeededGenerator(seed: 11)
        let regions = [("ontario", "CAD"), ("quebec", "CAD"), ("us", "USD"), ("ontario", "USD"), ("uk", "GBP")]
        for i in 0..<400 {
            let magnitude = pow(10, Double.random(in: 0...14.5, using: &rng))
            let start = -magnitude * Double.random(in: 0.01...1, using: &rng)
            let end = magnitude * Double.random(in: -1...20, using: &rng)
            let (region, currency) = regions[i % regions.count]
            let r = Self.withCashFlow(start: start, end: end, region: region, currency: currency)
            let svg = Charts.cashFlow(r, accent: "#0b6e99")
            Self.expectInside(svg, "case \(i): \(start)…\(end) \(region)")
            // The lowest tick carries the sign of the lowest figure.
            let ticks = Self.labels(svg).labels.filter { $0.anchor == "end" }
            #expect(ticks.first?.text.hasPrefix("−") == true, "case \(i): \(ticks.map(\.text))")
            // No figure of five digits or more goes ungrouped.
            #expect(svg.firstMatch(of: />[^<]*\d{5}/) == nil, "case \(i): ungrouped figure")
        }
    }

    @Test func hoursTimelineAndReadinessLabelsStayInside() {
        var rng = SeededGenerator(seed: 7)
        let names = [
            "Scheduling", "Taking in and qualifying new leads, quotes, follow-ups and the whole pipeline with care",
            "🦷 Rappels de rendez-vous 🦷", "استقبال العملاء", "予約の管理と確認", "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
            "<script>&\"'", "",
        ]
        for i in 0..<300 {
            var r = Self.base
            for j in r.opportunities.indices {
                let hours = pow(10, Double.random(in: 0...6, using: &rng))
                r.opportunities[j].hoursPerWeek = Figure.decimal(hours, places: 1)
                r.opportunities[j].hoursSavedPerWeek.value = Figure.decimal(hours * 0.4, places: 1)
                r.opportunities[j].label = names[(i + j) % names.count]
            }
            for j in r.timeline.phases.indices {
                r.timeline.phases[j].name = names[(i + 2 * j) % names.count]
                r.timeline.phases[j].weeks = Figure.decimal(
                    Double.random(in: 1...400, using: &rng).rounded(), places: 0)
            }
            let total = r.timeline.phases.reduce(Decimal(0)) { $0 + $1.weeks }
            var start = Decimal(0)
            for j in r.timeline.phases.indices {
                r.timeline.phases[j].startWeek = start
                start += r.timeline.phases[j].weeks
            }
            r.timeline.totalWeeks = total
            r.timeline.goLiveWeek = r.timeline.phases.last?.startWeek ?? 0
            Self.expectInside(Charts.hours(r, accent: "#0b6e99"), "hours, case \(i)")
            Self.expectInside(Charts.timeline(r, accent: "#0b6e99"), "timeline, case \(i)")
            let labels = Dictionary(uniqueKeysWithValues: r.readiness.checks.map { ($0.id, names[i % names.count]) })
            let weights = Dictionary(uniqueKeysWithValues: r.readiness.checks.map { ($0.id, 25.0) })
            Self.expectInside(
                Charts.readiness(r, weights: weights, labels: labels, accent: "#0b6e99"), "readiness, case \(i)")
        }
    }

    @Test func largeHoursAreGroupedInTheChartAndItsDescription() {
        var r = Self.base
        r.opportunities[0].hoursPerWeek = 123_456.5
        r.opportunities[0].hoursSavedPerWeek.value = 3
        let svg = Charts.hours(r, accent: "#0b6e99")
        #expect(svg.contains(">123,456.5 h</text>"))
        #expect(svg.contains("123,456.5 h now"))
        #expect(svg.firstMatch(of: />[^<]*\d{5}/) == nil)
    }

    @Test func longLabelsAreShortenedWholeAndKeptInTheDescription() {
        var r = Self.base
        let long = String(repeating: "Collecting 🧾 receipts and ", count: 6) + "the end"
        r.opportunities[0].label = long
        let svg = Charts.hours(r, accent: "#0b6e99")
        let shown = Self.labels(svg).labels.first { $0.text.hasPrefix("Collecting") }
        #expect(shown?.text.hasSuffix("…") == true)
        #expect(shown.map { long.hasPrefix($0.text.dropLast()) } == true, "cut inside a character")
        #expect(svg.contains(long))
    }

    /// The width estimate is never narrower than the real font: DejaVu Sans, which the print
    /// engines fall back to for Helvetica on Linux (advances read with fontTools, as WeasyPrint
    /// installs it).
    @Test func theWidthEstimateCoversTheRealFont() async throws {
        var rng = SeededGenerator(seed: 3)
        let alphabet = Array(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-–—−$€£%&()/'\"#@!?éèàçÉ✓✗…")
        var samples = [
            "−$1,234,567,890", "WWWWWWWW", "mmmmmmmm", "MMMMMMMM", "%%%%%%%", "Payback: month 36", "Go-live, week 12",
            "Invoicing and payment chasing", "1 234 567 $", "−US$9,876,543,210",
        ]
        for _ in 0..<300 {
            samples.append(
                String((0..<Int.random(in: 1...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
        }
        let code = """
            import sys, subprocess, json
            from fontTools.ttLib import TTFont
            fonts = {}
            for bold in (False, True):
                path = subprocess.run(['fc-match', '-f', '%{file}', 'DejaVu Sans:bold' if bold else 'DejaVu Sans'],
                                      capture_output=True, text=True).stdout
                font = TTFont(path)
                fonts[bold] = (font.getBestCmap(), font['hmtx'].metrics, font['head'].unitsPerEm, path)
            out = []
            for text in json.loads(sys.argv[1]):
                row = []
                for bold in (False, True):
                    cmap, metrics, em, _ = fonts[bold]
                    row.append(sum(metrics[cmap.get(ord(c), '.notdef')][0] for c in text) / em)
                out.append(row)
            print(json.dumps({'widths': out, 'fonts': [fonts[False][3], fonts[True][3]]}))
            """
        let input = String(decoding: try JSONEncoder().encode(samples), as: UTF8.self)
        let (status, output) = try await ReportFixtures.python(code, [input])
        #expect(status == 0, "\(output)")
        struct Measured: Decodable {
            let widths: [[Double]]
            let fonts: [String]
        }
        let measured = try JSONDecoder().decode(Measured.self, from: Data(output.utf8))
        #expect(measured.fonts.allSatisfy { $0.contains("DejaVu") }, "\(measured.fonts)")
        for (text, real) in zip(samples, measured.widths) {
            #expect(SVG.width(of: text, size: 1) >= real[0] - 1e-9, "\"\(text)\": \(real[0]) em")
            #expect(SVG.width(of: text, size: 1, bold: true) >= real[1] - 1e-9, "\"\(text)\" bold: \(real[1]) em")
        }
    }
}
