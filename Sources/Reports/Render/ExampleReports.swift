import Foundation
import Outcomes
import Questionnaire
import Scoring

/// The reports of a pack's example businesses: what `baton report --examples` writes to
/// `reports/examples/`, and what a test compares with those files to catch drift.
public enum ExampleReports {
    /// The date printed on the example reports, fixed so that they only change when the code does.
    public static let exampleDate = Date(timeIntervalSince1970: 1_768_435_200)  // 2026-01-15

    /// Renders the HTML and Markdown reports of every example business of a pack, and the review
    /// after N days of each example with a snapshot beside its answers (`NAME.kpis.json`).
    /// - Returns: file name → contents, e.g. `dental-clinic.html`, `plumbing-contractor-review.md`.
    public static func render(packFolder: String, templates: TemplateSet) throws -> [(
        name: String, text: String
    )] {
        let pack = try PackLoader.load(path: packFolder)
        let model = try ScoringModel.load(packFolder: packFolder)
        let examples = packFolder + "/examples"
        let names = try FileManager.default.contentsOfDirectory(atPath: examples).filter { $0.hasSuffix(".yaml") }
            .sorted()
        let renderer = ReportRenderer(templates: templates)
        var files: [(String, String)] = []
        for (index, file) in names.enumerated() {
            let path = examples + "/" + file
            let raw = try AnswersFile.read(try String(contentsOfFile: path, encoding: .utf8), file: path)
            let imported = AnswersImport(raw, pack: pack)
            guard imported.problems.isEmpty else { throw ScoringError("\(path) has problems: \(imported.problems)") }
            let profile = try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
            let result = try Scorer(model: model).score(profile)
            let input = ReportInput(
                result: result, assessmentID: Int64(index + 1), date: exampleDate, notes: [], branding: .standard,
                paper: .letter, model: model,
                blueprint: BlueprintPlanner(catalog: model.catalog).blueprint(for: result, profile: profile))
            let base = (file as NSString).deletingPathExtension
            files.append(("\(base).html", try renderer.render(input, as: .html)))
            files.append(("\(base).md", try renderer.render(input, as: .md)))
            let snapshot = examples + "/" + base + ".kpis.json"
            guard let data = FileManager.default.contents(atPath: snapshot) else { continue }
            let interview = Interview(pack: pack, answers: imported.answers)
            let loaded = try SnapshotFile.read(data, file: snapshot)
            // Dated the day its figures were exported, as `baton report ID --actuals` dates it.
            var reviewed = input
            reviewed.date = ISO8601DateFormatter().date(from: loaded.snapshot.exportedAt) ?? exampleDate
            let review = try ReviewInput.build(
                report: reviewed, profile: profile, loaded: loaded,
                answersFingerprint: BlueprintPlanner.provenance(of: interview, assessmentID: input.assessmentID, date: exampleDate)
                    .answersFingerprint)
            let reviews = try ReviewRenderer(folder: templates.folder)
            files.append(("\(base)-review.html", try reviews.render(review, as: .html)))
            files.append(("\(base)-review.md", try reviews.render(review, as: .md)))
        }
        return files
    }
}
