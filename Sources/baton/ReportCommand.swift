import ArgumentParser
import AssessmentFlow
import Foundation
import Reports
import TerminalUI
import Workspace

/// `baton report`: the client report of an assessment in HTML (and PDF), Markdown, JSON or CSV.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an assessment's report: HTML (print-ready, --pdf), Markdown, JSON or CSV.",
        discussion: """
            The report uses the assessment's latest score (`baton score`, with any --set), its notes \
            (`baton note`), and the branding in the workspace's branding.yaml (firm, logo, accent, contact). \
            Files are named ID-business.FORMAT in --out (default reports/).

            Examples:
              baton report 3                          # reports/3-cedar-hill-family-dental.html
              baton report 3 --format md --format csv
              baton report 3 --pdf --paper a4
              baton report --all --format html --format json
              baton report --examples                 # regenerate reports/examples/
              baton report 3 --actuals kpis.json      # the review after N days (baton kpis export)
              baton report 3 --actuals ~/.baton/runtime --pdf
            """
    )

    @OptionGroup var workspaceOptions: WorkspaceOptions

    @Argument(help: "The assessment id (see `baton list`).")
    var id: Int64?

    @Flag(help: "Every completed assessment in the workspace.")
    var all = false

    @Flag(help: "Regenerate reports/examples/ (in this folder, or --out) from the bundled example businesses.")
    var examples = false

    @Option(help: ArgumentHelp("html, md, json or csv (repeatable).", valueName: "format"))
    var format: [ReportFormatOption] = []

    @Option(help: ArgumentHelp("The output folder.", valueName: "dir"))
    var out: String?

    @Flag(help: "Also render the HTML to PDF with WeasyPrint or headless Chromium.")
    var pdf = false

    @Option(help: "Paper size of the printed report: letter or a4.")
    var paper: PaperOption = .letter

    @Option(help: ArgumentHelp("Render with an edited copy of templates/.", valueName: "dir"))
    var templates: String?

    @Option(
        help: ArgumentHelp(
            "The report's date (YYYY-MM-DD); default: when the assessment was completed.", valueName: "date"))
    var date: String?

    @Option(
        help: ArgumentHelp(
            "Write the review after N days instead: the running system's figures from a snapshot (baton kpis export) or its data folder.",
            valueName: "file|dir"))
    var actuals: String?

    func validate() throws {
        let targets = [id != nil, all, examples].filter { $0 }.count
        if targets != 1 { throw ValidationError("give one assessment id, or --all, or --examples") }
        if actuals != nil && id == nil { throw ValidationError("--actuals reviews one assessment: give its id") }
        if let date, DayArgument.parse(date) == nil { throw ValidationError("--date takes YYYY-MM-DD, not '\(date)'") }
    }

    func run() async throws {
        try await reportingFailures {
            let templateSet = try loadTemplates()
            if examples {
                try writeExamples(templateSet)
                return
            }
            let workspace = try workspaceOptions.open()
            if let actuals, let id {
                return try await writeReview(id, actuals: actuals, templates: templateSet, workspace: workspace)
            }
            let ids: [Int64]
            if let id {
                ids = [id]
            } else {
                ids = try workspace.sessions().filter { $0.status == .completed }.compactMap(\.id).sorted()
                if ids.isEmpty { throw Failure("no completed assessments in this workspace yet") }
            }
            let formats = format.isEmpty ? [ReportFormatOption.html] : format
            let folder = out ?? "reports"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let engine = pdf ? PDFEngine.find() : nil
            if pdf && engine == nil { throw Failure(PDFEngine.installHint) }
            let progress = ProgressLine(total: ids.count, enabled: ids.count > 1)
            let renderer = ReportRenderer(templates: templateSet)
            // With --all, one assessment that cannot be reported is named and the rest still are.
            var failed = 0
            for (n, assessment) in ids.enumerated() {
                do {
                    let saved = try SavedAssessment.open(assessment, in: workspace)
                    progress.show(n, label: saved.session.title ?? "assessment \(assessment)")
                    let input = try AssessmentReporting.input(
                        saved, in: workspace, paper: paper.paper, date: date.flatMap(DayArgument.parse))
                    let base = (folder as NSString).appendingPathComponent(
                        "\(assessment)-\(Self.slug(input.result.business.name))")
                    let written = try write(base, formats: formats, pdf: engine) { try renderer.render(input, as: $0) }
                    progress.clear()
                    printText(written.joined(separator: "\n"))
                } catch {
                    guard id == nil else { throw error }
                    progress.clear()
                    failed += 1
                    printError("baton: assessment \(assessment): \(error)")
                }
            }
            progress.finish()
            if failed > 0 {
                throw Failure("\(failed) of \(ids.count) reports could not be written (named above)")
            }
        }
    }

    private func loadTemplates() throws -> TemplateSet {
        do {
            return try TemplateSet(folder: templates ?? PackLocator.bundledTemplates())
        } catch {
            throw Failure("\(error)")
        }
    }

    private func writeExamples(_ templateSet: TemplateSet) throws {
        let pack = try PackLocator.locate(PackLocator.defaultPack).get()
        let folder = out ?? "reports/examples"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, text) in try ExampleReports.render(packFolder: pack, templates: templateSet) {
            try write(text, to: (folder as NSString).appendingPathComponent(name))
            printText((folder as NSString).appendingPathComponent(name))
        }
    }

    /// Writes `base.EXT` in each format (and `base.pdf` through `pdf`, from the HTML); returns the paths.
    func write(
        _ base: String, formats: [ReportFormatOption], pdf engine: PDFEngine?,
        render: (ReportRenderer.Format) throws -> String
    ) throws -> [String] {
        var written: [String] = []
        for f in formats {
            let path = "\(base).\(f.format.fileExtension)"
            try write(try render(f.format), to: path)
            written.append(path)
        }
        if let engine {
            let html = "\(base).html"
            if !formats.contains(.html) { try write(try render(.html), to: html) }
            try engine.render(html: html, to: "\(base).pdf")
            written.append("\(base).pdf")
        }
        return written
    }

    func write(_ text: String, to path: String) throws {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw Failure("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// `Bow River Plumbing & Heating` → `bow-river-plumbing-heating`.
    static func slug(_ name: String) -> String {
        let words = name.lowercased().folding(options: .diacriticInsensitive, locale: nil)
            .split { !($0.isLetter || $0.isNumber) || !$0.isASCII }
        return words.prefix(6).joined(separator: "-").prefix(60).description.nonEmpty ?? "assessment"
    }
}

/// `--format html|md|json|csv`.
enum ReportFormatOption: String, ExpressibleByArgument, CaseIterable {
    case html, md, json, csv

    var format: ReportRenderer.Format { ReportRenderer.Format(rawValue: rawValue)! }
}

/// `--paper letter|a4`.
enum PaperOption: String, ExpressibleByArgument, CaseIterable {
    case letter, a4

    var paper: Paper { self == .letter ? .letter : .a4 }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

/// A one-line progress bar on standard error, redrawn in place, for runs over several items.
final class ProgressLine {
    private let total: Int
    private let enabled: Bool

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled && RawTerminal.isTerminal(2)
    }

    func show(_ done: Int, label: String) {
        guard enabled else { return }
        let bar = ProgressBar(width: 24).render(Double(done) / Double(max(1, total)))
        FileHandle.standardError.write(Data("\r\(bar) \(done)/\(total) \(label.prefix(40))\u{1B}[K".utf8))
    }

    func clear() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\(ProgressBar(width: 24).render(1)) \(total)/\(total) done\n".utf8))
    }
}
