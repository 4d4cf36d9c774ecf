import Foundation
import Questionnaire
import Scoring
import Testing

@testable import Reports

/// What the printed report promises (docs/reports.md), checked on the PDF WeasyPrint makes, for the
/// bundled dental clinic and for businesses written here: huge figures, nothing worth automating,
/// emoji in the name, a cash flow in billions.
struct PDFLayoutTests {
    enum Business: String, CaseIterable, CustomTestStringConvertible {
        case dental, huge, nothingYet, billions

        var testDescription: String { rawValue }

        /// The answers file: an example, edited the way a person might fill the questionnaire in.
        var answers: String {
            get throws {
                let folder = "\(ReportFixtures.packFolder)/examples"
                switch self {
                case .dental: return try String(contentsOfFile: "\(folder)/dental-clinic.yaml", encoding: .utf8)
                case .huge, .billions:
                    return try Self.edit(
                        String(contentsOfFile: "\(folder)/plumbing-contractor.yaml", encoding: .utf8),
                        [
                            (/business_name: .*/, "business_name: Bow River 🚰 Plumbing & Heating International"),
                            (/\ hours: \d+/, " hours: 400"), (/\ people: \d+/, " people: 100"),
                            (/team_size: \d+/, "team_size: 500"), (/owner_salary: \d+/, "owner_salary: 2000000"),
                            (/staff_salary: \d+/, "staff_salary: 2000000"), (/loading_factor: .*/, "loading_factor: 2"),
                            (/leads_per_week: \d+/, "leads_per_week: 100000"),
                            (/average_deal_value: \d+/, "average_deal_value: 10000000"),
                        ])
                case .nothingYet:
                    return try Self.edit(
                        String(contentsOfFile: "\(folder)/dental-clinic.yaml", encoding: .utf8),
                        [(/business_name: .*/, "business_name: Nothing Yet 🦷 Dental 😀"), (/\ hours: \d+/, " hours: 0")])
                }
            }
        }

        static func edit(_ text: String, _ edits: [(Regex<Substring>, String)]) -> String {
            edits.reduce(text) { $0.replacing($1.0, with: $1.1) }
        }

        var input: ReportInput {
            get throws {
                let pack = try PackLoader.load(path: ReportFixtures.packFolder)
                let imported = AnswersImport(try AnswersFile.read(try answers, file: "\(rawValue).yaml"), pack: pack)
                let profile = try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
                let model = try ScoringModel.load(packFolder: ReportFixtures.packFolder)
                var result = try Scorer(model: model).score(profile)
                if self == .billions {
                    // Past what the questionnaire lets anyone answer: the chart must still print it whole.
                    result.roi.cumulativeCashFlow = (0...36).map { Decimal(-1_234_567_890 + 50_000_000 * $0) }
                    result.roi.paybackMonths = Figure(24.7, unit: "months", places: 1, why: "")
                }
                return ReportInput(
                    result: result, assessmentID: 7, date: ExampleReports.exampleDate, notes: [],
                    branding: .standard, paper: .letter, model: model,
                    blueprint: BlueprintPlanner(catalog: model.catalog).blueprint(for: result, profile: profile))
            }
        }
    }

    func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        try await ReportFixtures.run(executable, arguments, errors: false)
    }

    /// The report as HTML and PDF, and the PDF's text page by page.
    func printed(_ business: Business) async throws -> (html: String, pdf: String, pages: [String], input: ReportInput) {
        let engine = try #require(PDFEngine.find(), "\(PDFEngine.installHint)")
        let input = try business.input
        let html = try ReportFixtures.temporaryFile("report.html", try ReportFixtures.render(input, .html))
        let pdf = (html as NSString).deletingPathExtension + ".pdf"
        try await ReportFixtures.print(engine, html: html, to: pdf)
        let (status, text) = try await run("pdftotext", ["-layout", pdf, "-"])
        #expect(status == 0, "pdftotext (poppler-utils) failed")
        var pages = text.components(separatedBy: "\u{0C}")
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return (html, pdf, pages, input)
    }

    @Test(arguments: Business.allCases)
    func theLastPageHoldsMoreThanItsFooter(business: Business) async throws {
        let (_, _, pages, input) = try await printed(business)
        let last = try #require(pages.last)
        // The page's own footer ("Baton … Page 9 of 9") and the report's closing line do not count.
        let body = last.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty && !$0.contains(/Page \d+ of \d+$/)
                && !$0.contains("· Report for \(input.result.business.name)")
        }
        #expect(!body.isEmpty, "page \(pages.count) of \(business) holds only footers:\n\(last)")
    }

    /// However far the content moves, the closing footer never ends up alone on a page.
    @Test(arguments: [Business.dental, .nothingYet])
    func noContentLengthLeavesTheFooterAlone(business: Business) async throws {
        let html = try ReportFixtures.temporaryFile(
            "report.html", try ReportFixtures.render(try business.input, .html))
        let script = ReportFixtures.packageRoot.appendingPathComponent("Tests/ReportsTests/Scripts/check_last_page.py")
        let (status, output) = try await run("python3", [script.path, html])
        #expect(status == 0, "\(output)")
        #expect(output.contains("tried"), "\(output)")
    }

    /// The short tables (timeline, scenarios, baseline) are printed whole: their header appears on
    /// one page only (a split table repeats it) and every row is on that page.
    @Test(arguments: [Business.dental, .huge])
    func shortTablesStayWhole(business: Business) async throws {
        let (_, _, pages, input) = try await printed(business)
        func pagesWith(_ header: Regex<Substring>) -> [Int] {
            pages.indices.filter { pages[$0].contains(header) }
        }
        let timeline = pagesWith(/PHASE\s+STARTS IN WEEK\s+WEEKS/)
        #expect(timeline.count == 1, "the timeline table's header is on pages \(timeline.map { $0 + 1 })")
        #expect(!input.result.timeline.phases.isEmpty)
        for phase in input.result.timeline.phases {
            // A row of the table: the name, then the two numbers (the chart prints "2 wk" instead).
            let on = pages.indices.filter { page in
                pages[page].split(separator: "\n").contains { line in
                    let line = line.trimmingCharacters(in: .whitespaces)
                    guard line.hasPrefix(phase.name) else { return false }
                    return line.dropFirst(phase.name.count).wholeMatch(of: /\s+[0-9.,]+\s+[0-9.,]+/) != nil
                }
            }
            #expect(
                on == timeline,
                "\(phase.name) is on pages \(on.map { $0 + 1 }), the table on \(timeline.map { $0 + 1 })")
        }
        #expect(pagesWith(/SCENARIO\s+BENEFIT/).count == 1)
        #expect(pagesWith(/MEASURE\s+BASELINE\s+TARGET\s+ACTUAL/).count == 1)
    }

    /// No figure of five digits or more is printed without grouping (a seed and an industry code
    /// are identifiers, not figures).
    @Test(arguments: Business.allCases)
    func largeFiguresAreGrouped(business: Business) async throws {
        let (_, _, pages, _) = try await printed(business)
        let text = pages.joined(separator: "\n").replacing(/seed \d+|NAICS \d+/, with: "")
        let ungrouped = text.matches(of: /[0-9]{5,}/).map { String(text[$0.range]) }
        #expect(ungrouped.isEmpty, "\(business): \(ungrouped.prefix(5))")
        if business == .huge {
            #expect(text.contains(/[0-9]{1,3}(,[0-9]{3})+%/), "a first-year ROI in the thousands of percent, grouped")
        }
    }

    /// A cash flow in billions keeps its minus sign, inside the page's margin, as the chart's lowest label.
    @Test func aNegativeCashFlowInBillionsKeepsItsSignOnThePage() async throws {
        let (_, pdf, _, _) = try await printed(.billions)
        let (status, boxes) = try await run("pdftotext", ["-bbox", pdf, "-"])
        #expect(status == 0)
        let words = boxes.matches(of: /<word xMin="([0-9.]+)"[^>]*>([^<]*)<\/word>/).map {
            (Double($0.1)!, String($0.2))
        }
        let lowest = try #require(words.first { $0.1 == "−$1.5B" }, "\(words.filter { $0.1.contains("B") }.prefix(8))")
        // The page's left margin is 16 mm (45.4 pt); the chart starts there.
        #expect(lowest.0 >= 45, "the label starts at \(lowest.0) pt, left of the page's margin")
    }

    /// Emoji in a name print from the colour emoji font (installed by ./scripts/test), and only
    /// emoji do: a report without emoji uses no emoji font at all (listing that font by name in the
    /// stylesheet made WeasyPrint draw digits with it).
    @Test(arguments: [Business.nothingYet, .dental])
    func emojiPrintFromTheEmojiFont(business: Business) async throws {
        let (_, pdf, pages, input) = try await printed(business)
        let (status, fonts) = try await run("pdffonts", [pdf])
        #expect(status == 0)
        let hasEmoji = input.result.business.name.unicodeScalars.contains { $0.properties.isEmojiPresentation }
        #expect(fonts.contains("Emoji") == hasEmoji, "\(fonts)")
        #expect(pages.first?.contains(input.result.business.name) == true, "\(pages.first ?? "")")
    }
}
