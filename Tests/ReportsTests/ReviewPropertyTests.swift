import BatonTestSupport
import Foundation
import Outcomes
import Questionnaire
import Scoring
import Testing

@testable import Reports

/// The review after N days renders in every format from any snapshot a file can hold: hundreds of
/// generated snapshots with hostile text in every string, huge and negative numbers, empty and
/// missing weeks, edited files. Nothing reads NaN or infinity, nothing a snapshot holds becomes
/// markup, a formula or a Markdown link.
struct ReviewPropertyTests {
    static let count = 300

    static let hostile = [
        "<script>alert(1)</script>", "=HYPERLINK(\"http://evil\")", "+SUM(A1)", "@cmd", "-2+3", "{{title}}",
        "{{{chart}}}", "](javascript:alert(1))", "[x](http://evil)", "**bold** _it_ `code`", "| a | b |",
        "Zoë & \"Jones\" 'quoted'", "\u{202E}evil\u{202C}", "line\nbreak", "🚀 emoji 👩‍👩‍👧", "</style><b>x</b>",
        "a\u{0}b\u{1B}[31m", String(repeating: "long ", count: 200), "", "   ",
    ]

    static func number(_ r: inout SplitMix) -> Double {
        switch r.below(8) {
        case 0: return 0
        case 1: return -Double(r.below(1000))
        case 2: return 1e300
        case 3: return 1e-300
        case 4: return Double(r.below(1_000_000)) * 1000
        default: return Double(r.below(10_000)) / 10
        }
    }

    static func times(_ r: inout SplitMix) -> ResponseTimes {
        let n = r.pick([0, 1, 3, 9, 10, 40, 150])
        return ResponseTimes(minutes: (0..<n).map { _ in abs(number(&r)) }, target: r.chance(70) ? number(&r) : nil)
    }

    static func figures(_ r: inout SplitMix, start: String, days: Int) -> PeriodFigures {
        let agents = (0..<r.below(4)).map { _ in r.pick(hostile + ["lead_qualifier"]) }
        let count = { (r: inout SplitMix) in r.pick([0, 1, 7, 1_000_000, Int(Int32.max)]) }
        return PeriodFigures(
            start: start, days: days,
            leads: LeadCounts(
                received: count(&r), answered: count(&r), waitingForPerson: count(&r), unanswered: count(&r), spam: 0),
            firstResponse: times(&r), repliesWithoutPerson: count(&r), repliesAfterApproval: count(&r),
            approvalTurnaround: times(&r),
            tasksPerAgent: Dictionary(agents.map { ($0, count(&r)) }, uniquingKeysWith: +), escalations: count(&r),
            deadActions: count(&r),
            hoursTakenOver: HoursEstimate(
                basis: agents.map {
                    HoursBasis(
                        agent: $0, tasks: count(&r), minutesPerTask: Double(r.below(1441)), source: r.pick(hostile))
                }),
            books: r.chance(50)
                ? BooksFigures(invoicesChased: count(&r), invoicesPaid: count(&r), daysToPayment: [abs(number(&r))])
                : nil)
    }

    static func snapshot(_ seed: UInt64) -> KPISnapshot {
        var r = SplitMix(seed: seed)
        let days = r.pick([1, 6, 7, 8, 14, 30, 90])
        let weeks = (0..<((days + 6) / 7)).map { i in
            figures(&r, start: "2026-03-\(String(format: "%02d", 1 + i % 28))", days: min(7, days - i * 7))
        }
        let kpis = (0..<r.below(5)).map { i -> MeasuredKPI in
            let method = r.pick([MeasuredKPI.Method.measured, .estimate, .notMeasured])
            return MeasuredKPI(
                id: i == 0 ? "lead_first_response" : "k\(i)", name: r.pick(hostile),
                unit: r.pick(["minutes", "hours/week", r.pick(hostile)]),
                baseline: number(&r), target: number(&r), baselineSource: r.chance(50) ? r.pick(hostile) : nil,
                method: method, actual: r.chance(70) ? number(&r) : nil, sample: r.pick([0, 3, 12, 500]),
                confidence: r.pick(Confidence.allCases),
                // Sometimes fewer weekly figures than weeks, sometimes more.
                weekly: (0..<(weeks.count + r.below(3) - 1)).map { _ in r.chance(60) ? number(&r) : nil },
                note: r.pick(hostile))
        }
        return KPISnapshot(
            exportedAt: "2026-03-16T16:00:00Z", exportedBy: r.pick(hostile),
            business: SnapshotBusiness(name: r.pick(hostile), timeZone: r.pick(hostile), currency: "CAD"),
            provenance: r.chance(50)
                ? Provenance(assessmentID: 7, answersFingerprint: r.pick(hostile), date: "2026-03-01") : nil,
            blueprintDigest: r.pick(hostile),
            period: SnapshotPeriod(since: "2026-03-01", until: r.pick(hostile), days: days),
            kpis: kpis, total: figures(&r, start: "2026-03-01", days: days), weeks: weeks,
            days: (0..<min(days, 10)).map { _ in figures(&r, start: "2026-03-01", days: 1) })
    }

    @Test func everySnapshotRendersInEveryFormatWithoutInjection() async throws {
        let reports = try ["plumbing-contractor", "dental-clinic", "bookkeeping-firm"].map {
            try ReportFixtures.input($0)
        }
        let profiles = try ["plumbing-contractor", "dental-clinic", "bookkeeping-firm"].map {
            example -> BusinessProfile in
            let pack = try PackLoader.load(path: ReportFixtures.packFolder)
            let file = "\(ReportFixtures.packFolder)/examples/\(example).yaml"
            let imported = AnswersImport(
                try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
            return try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
        }
        let renderer = try ReviewRenderer(folder: ReportFixtures.templates)
        var edited = 0, sealed = 0
        var samples: [String] = []
        for seed in UInt64(0)..<UInt64(Self.count) {
            var text = try SnapshotFile.write(Self.snapshot(seed))
            // Every fifth file is changed after export: the review must say so.
            if seed % 5 == 4 { text = text.replacingOccurrences(of: "\"days\" : 1,", with: "\"days\" : 2,") }
            let loaded = try SnapshotFile.read(Data(text.utf8), file: "s.json")
            if loaded.intact { sealed += 1 } else { edited += 1 }
            let i = Int(seed % 3)
            let input = try ReviewInput.build(
                report: reports[i], profile: profiles[i], loaded: loaded, answersFingerprint: "sha256:x")
            let html = try renderer.render(input, as: .html)
            let markdown = try renderer.render(input, as: .md)
            let json = try renderer.render(input, as: .json)
            let csv = try renderer.render(input, as: .csv)
            let label = "seed \(seed)"
            for output in [html, markdown, json, csv] {
                #expect(!output.contains("NaN") && !output.contains("nan(") && !output.contains("inf,"), "\(label)")
            }
            #expect(
                html.range(of: #"="-?[0-9.]*(nan|inf)"#, options: [.regularExpression, .caseInsensitive]) == nil,
                "\(label)")
            // Text that looks like a tag stays text (a literal "{{title}}" is shown, never expanded again).
            #expect(!html.contains("<script") && !html.contains("<b>x</b>"), "\(label)")
            #expect(html.components(separatedBy: "</style>").count == 2, "\(label)")
            #expect(
                !html.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" && $0 != "\r" }, "\(label)")
            #expect(!html.unicodeScalars.contains { $0 == "\u{202E}" }, "\(label)")
            #expect(markdown.range(of: #"(?<!\\)<(script|b|/style)"#, options: .regularExpression) == nil, "\(label)")
            // No link can form: every "[" a snapshot holds is escaped.
            #expect(markdown.range(of: #"(?<!\\)\[[^\]\n]*\]\("#, options: .regularExpression) == nil, "\(label)")
            for line in csv.split(separator: "\r\n").dropFirst() {
                for start in ["=", "+", "@"] {
                    #expect(!line.hasPrefix(start) && !line.contains("," + start), "\(label): \(line)")
                }
            }
            #expect(json.contains("\"review_version\""), "\(label)")
            #expect(html.contains("changed after they were exported") == !loaded.intact, "\(label)")
            if seed % 60 == 0 { samples.append(html) }
        }
        #expect(edited > 0 && sealed > 0)
        // A real HTML5 parser reads a sample of them without an error.
        for (n, html) in samples.enumerated() {
            let path = try ReportFixtures.temporaryFile("review-\(n).html", html)
            let (status, output) = try await ReportFixtures.python(
                "import sys, html5lib; html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], encoding='utf-8').read())",
                [path])
            #expect(status == 0, "review \(n) is not valid HTML5: \(output)")
        }
    }

    @Test func aSnapshotThatIsNotOneIsRefusedWithWhy() throws {
        let cases: [(String, String)] = [
            ("[]", "not a JSON object"), ("{\"schema\": \"other\"}", "not a KPI snapshot"),
            ("{\"schema\": \"baton.kpi-snapshot\", \"version\": 99}", "update Baton"),
            ("{\"schema\": \"baton.kpi-snapshot\", \"version\": 1}", "is missing"),
        ]
        for (text, message) in cases {
            #expect(throws: SnapshotError.self) { try SnapshotFile.read(Data(text.utf8), file: "x.json") }
            do { _ = try SnapshotFile.read(Data(text.utf8), file: "x.json") } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
        var negative = Self.snapshot(1)
        negative.total.escalations = -1
        #expect(throws: SnapshotError.self) {
            try SnapshotFile.read(Data(try SnapshotFile.write(negative).utf8), file: "n.json")
        }
        #expect(throws: SnapshotError.self) {
            try SnapshotFile.read(Data(count: SnapshotFile.maximumBytes + 1), file: "big.json")
        }
    }

    @Test func figuresOfAnotherAssessmentAreRefused() throws {
        var s = Self.snapshot(2)
        s.provenance = Provenance(assessmentID: 99, answersFingerprint: "sha256:x", date: "2026-03-01")
        let loaded = try SnapshotFile.read(Data(try SnapshotFile.write(s).utf8), file: "s.json")
        let report = try ReportFixtures.input("plumbing-contractor")
        let pack = try PackLoader.load(path: ReportFixtures.packFolder)
        let file = "\(ReportFixtures.packFolder)/examples/plumbing-contractor.yaml"
        let imported = AnswersImport(
            try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
        let profile = try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
        #expect(throws: SnapshotError.self) {
            try ReviewInput.build(report: report, profile: profile, loaded: loaded, answersFingerprint: "sha256:x")
        }
    }
}
