import BatonTestSupport
import Foundation
import Questionnaire
import Scoring
import Spawning

@testable import Reports

/// Example inputs for the report tests, and a way to ask the real Python tools about outputs.
enum ReportFixtures {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var packFolder: String { packageRoot.appendingPathComponent("questionnaires/smb-ai-readiness").path }
    static var templates: String { packageRoot.appendingPathComponent("templates").path }

    static func input(_ example: String, name: String? = nil, notes: [String] = [], paper: Paper = .letter) throws
        -> ReportInput
    {
        let pack = try PackLoader.load(path: packFolder)
        let file = "\(packFolder)/examples/\(example).yaml"
        let imported = AnswersImport(
            try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
        var profile = try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
        if let name { profile.name = name }
        let model = try ScoringModel.load(packFolder: packFolder)
        let result = try Scorer(model: model).score(profile)
        return ReportInput(
            result: result, assessmentID: 7, date: ExampleReports.exampleDate, notes: notes, branding: .standard,
            paper: paper, model: model,
            blueprint: BlueprintPlanner(catalog: model.catalog).blueprint(for: result, profile: profile))
    }

    static func render(_ input: ReportInput, _ format: ReportRenderer.Format) throws -> String {
        try ReportRenderer(templates: TemplateSet(folder: templates)).render(input, as: format)
    }

    /// Runs a Python snippet with `arguments`; returns its exit status and output.
    static func python(_ code: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await run("python3", ["-c", code] + arguments)
    }

    /// Runs a program found on the PATH; returns its exit status and its output (standard error
    /// included unless `errors` is false). It waits on a thread of its own: a Python tool or a PDF
    /// engine takes seconds, and the cooperative threads (two on this machine) serve every test.
    static func run(_ executable: String, _ arguments: [String], errors: Bool = true) async throws -> (
        status: Int32, output: String
    ) {
        try await onThread { try runBlocking(executable, arguments, errors: errors) }
    }

    /// Prints `html` to the PDF `pdf` with `engine`, on a thread of its own (as ``run(_:_:errors:)``).
    static func print(_ engine: PDFEngine, html: String, to pdf: String) async throws {
        try await onThread { try engine.render(html: html, to: pdf) }
    }

    private static func runBlocking(_ executable: String, _ arguments: [String], errors: Bool) throws -> (
        status: Int32, output: String
    ) {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = .pipe(pipe)
        process.standardError = .pipe(errors ? pipe : Pipe())
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-report-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
