import AssessmentFlow
import Blueprint
import Foundation
import Outcomes
import Reports
import Workspace

/// `baton report ID --actuals FILE|DIR`: the review after N days.
extension ReportCommand {
    func writeReview(_ id: Int64, actuals: String, templates: TemplateSet, workspace: Workspace) async throws {
        let loaded = try await Self.actuals(actuals)
        let saved = try SavedAssessment.open(id, in: workspace)
        let input: ReviewInput
        do {
            input = try AssessmentReview.input(
                saved, in: workspace, loaded: loaded, paper: paper.paper, date: date.flatMap(DayArgument.parse))
        } catch let error as SnapshotError {
            throw Failure("\(error)")
        }
        let renderer: ReviewRenderer
        do {
            renderer = try ReviewRenderer(folder: templates.folder)
        } catch {
            throw Failure("\(error)")
        }
        let folder = out ?? "reports"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let base = (folder as NSString).appendingPathComponent(
            "\(id)-\(Self.slug(input.report.result.business.name))-review-\(loaded.snapshot.period.until)")
        let formats = format.isEmpty ? [ReportFormatOption.html] : format
        let engine = pdf ? PDFEngine.find() : nil
        if pdf && engine == nil { throw Failure(PDFEngine.installHint) }
        let written = try write(base, formats: formats, pdf: engine) { try renderer.render(input, as: $0) }
        if !loaded.intact {
            printError(
                "baton: warning: \(actuals) was changed after it was exported (its digest does not match); the review says so"
            )
        }
        printText(written.joined(separator: "\n"))
    }

    /// The snapshot in a file, or measured now from a runtime's data folder (its whole history to today).
    static func actuals(_ path: String) async throws -> SnapshotFile.Loaded {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw Failure("no snapshot or data folder at \(path): write one with `baton kpis export -o FILE`")
        }
        if isFolder.boolValue {
            // Measured here and now by the runtime's binary, sealed as an export is.
            return try SnapshotFile.read(try await RuntimeSubcommands.exportedSnapshot(dataDir: path), file: path)
        }
        // The size first, so that a huge file is refused before it is read.
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
            size > SnapshotFile.maximumBytes
        {
            throw Failure(
                "\(path): \(size) bytes, more than the \(SnapshotFile.maximumBytes >> 20) MiB a snapshot may be")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure("cannot read \(path)") }
        do {
            return try SnapshotFile.read(data, file: path)
        } catch {
            throw Failure("\(error)")
        }
    }
}
