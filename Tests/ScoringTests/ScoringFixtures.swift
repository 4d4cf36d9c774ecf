import Foundation
import Questionnaire

@testable import Scoring

/// The bundled pack, its parameter files and its example businesses, for the scoring tests.
enum ScoringFixtures {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var packFolder: String { packageRoot.appendingPathComponent("questionnaires/smb-ai-readiness").path }

    static var goldenFolder: String { packageRoot.appendingPathComponent("Tests/ScoringTests/Golden").path }

    static let exampleNames = [
        "bookkeeping-firm", "dental-clinic", "marketing-agency", "plumbing-contractor", "real-estate-team",
    ]

    static func model() throws -> ScoringModel { try ScoringModel.load(packFolder: packFolder) }

    /// The profile of an example business, read through the questionnaire like a real assessment.
    static func profile(_ name: String) throws -> BusinessProfile {
        let pack = try PackLoader.load(path: packFolder)
        let file = "\(packFolder)/examples/\(name).yaml"
        let raw = try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file)
        let imported = AnswersImport(raw, pack: pack)
        return try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
    }

    static func score(_ name: String, overrides: [String] = []) throws -> AssessmentResult {
        try Scorer(model: try model()).score(try profile(name), overrides: try ScoringOverrides(parsing: overrides))
    }
}

extension Decimal {
    var double: Double { NSDecimalNumber(decimal: self).doubleValue }
}
