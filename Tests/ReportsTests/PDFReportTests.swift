import Foundation
import Testing

@testable import Reports

/// The printed report through a real engine (WeasyPrint, installed by ./scripts/test).
struct PDFReportTests {
    func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        try await ReportFixtures.run(executable, arguments)
    }

    @Test(arguments: [
        ("plumbing-contractor", Paper.letter), ("plumbing-contractor", .a4), ("dental-clinic", .letter),
        ("real-estate-team", .letter),
        ("marketing-agency", .a4), ("bookkeeping-firm", .letter),
    ])
    func theExampleReportPrintsCleanly(example: String, paper: Paper) async throws {
        let engine = try #require(PDFEngine.find(), "\(PDFEngine.installHint)")
        let html = try ReportFixtures.temporaryFile(
            "report.html",
            try ReportFixtures.render(try ReportFixtures.input(example, paper: paper), .html))
        let pdf = (html as NSString).deletingPathExtension + ".pdf"
        try await ReportFixtures.print(engine, html: html, to: pdf)

        let (infoStatus, info) = try await run("pdfinfo", [pdf])
        #expect(infoStatus == 0, "pdfinfo (poppler-utils) failed: \(info)")
        let pages =
            info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap {
                Int($0.split(separator: " ").last ?? "")
            } ?? 0
        #expect((6...16).contains(pages), "\(pages) pages")
        #expect(info.contains(paper == .letter ? "612 x 792 pts (letter)" : "595.276 x 841.89 pts (A4)"), "\(info)")

        let script = ReportFixtures.packageRoot.appendingPathComponent("Tests/ReportsTests/Scripts/check_pdf_layout.py")
            .path
        let (layoutStatus, layout) = try await run("python3", [script, html])
        #expect(layoutStatus == 0, "\(example): elements overflow the page box or headings are orphaned:\n\(layout)")
        #expect(layout.hasPrefix("\(pages)"), "layout and PDF disagree on pages: \(layout)")

        // Pages to look at, as a person would: kept out of git under .build/.
        let looks = ReportFixtures.packageRoot.appendingPathComponent(".build/report-pages").path
        try FileManager.default.createDirectory(atPath: looks, withIntermediateDirectories: true)
        // pdftoppm pads page numbers to the page count's width: clear an earlier run's pictures first.
        for old in try FileManager.default.contentsOfDirectory(atPath: looks)
        where old.hasPrefix("\(example)-\(paper.rawValue)-") {
            try FileManager.default.removeItem(atPath: "\(looks)/\(old)")
        }
        let (pngStatus, png) = try await run(
            "pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "2", pdf, "\(looks)/\(example)-\(paper.rawValue)"])
        #expect(pngStatus == 0, "\(png)")
        let written = try FileManager.default.contentsOfDirectory(atPath: looks).filter {
            $0.hasPrefix("\(example)-\(paper.rawValue)-")
        }
        #expect(written.count == 2)
    }

    @Test func withoutAnEngineTheMessageSaysWhatToInstall() {
        #expect(PDFEngine.find(environment: ["PATH": "/nonexistent"]) == nil)
        #expect(PDFEngine.installHint.contains("pip install weasyprint"))
        #expect(PDFEngine.installHint.contains("apt-get install chromium"))
    }
}
