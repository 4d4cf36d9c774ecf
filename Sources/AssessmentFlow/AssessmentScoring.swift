import Diagnostics
import Foundation
import Questionnaire
import Scoring
import Workspace

/// Scores a saved assessment with its pack's parameter files and keeps the result in the workspace.
public enum AssessmentScoring {
    /// Scores assessment `saved`, stores the result with its parameter version, and returns it.
    /// - Throws: ``ScoringError`` when the assessment is unfinished, or a ``PackLoadError`` for bad parameter files.
    public static func score(
        _ saved: SavedAssessment, in workspace: Workspace, overrides: ScoringOverrides = ScoringOverrides()
    ) throws
        -> AssessmentResult
    {
        guard saved.interview.isComplete else {
            let id = saved.session.id ?? 0
            throw ScoringError(
                "assessment \(id) is not finished (\(saved.session.answered) of \(saved.session.total) answered); finish it with `baton assess --resume \(id)`"
            )
        }
        let folder = packFolder(saved.session.packPath)
        let model = try ScoringModel.load(packFolder: folder)
        let profile = try BusinessProfile(interview: saved.interview)
        let result = try Scorer(model: model).score(profile, overrides: overrides)
        try workspace.saveScore(
            try result.jsonText(), for: saved.session.id ?? 0, parametersVersion: model.version,
            overrides: overrides.values)
        return result
    }

    /// The assessment's latest stored score (scoring it now if it has none, or if it was stored by
    /// an older version of the result's schema: scored again with the same overrides), with the
    /// pack's model.
    public static func latest(_ saved: SavedAssessment, in workspace: Workspace) throws -> (
        model: ScoringModel, result: AssessmentResult
    ) {
        let model = try ScoringModel.load(packFolder: packFolder(saved.session.packPath))
        guard let stored = try workspace.latestScore(of: saved.session.id ?? 0) else {
            return (model, try score(saved, in: workspace))
        }
        struct Version: Decodable {
            let schemaVersion: Int
            enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version" }
        }
        let version = try? JSONDecoder().decode(Version.self, from: Data(stored.resultJSON.utf8))
        if version?.schemaVersion != AssessmentResult.currentSchemaVersion {
            let values =
                (try? JSONDecoder().decode([String: String].self, from: Data(stored.overridesJSON.utf8))) ?? [:]
            let overrides = try ScoringOverrides(parsing: values.keys.sorted().map { "\($0)=\(values[$0]!)" })
            return (model, try score(saved, in: workspace, overrides: overrides))
        }
        do {
            return (model, try AssessmentResult.decode(json: stored.resultJSON))
        } catch {
            let id = saved.session.id ?? 0
            throw ScoringError(
                "the stored score of assessment \(id) cannot be read (\(error)); score it again with `baton score \(id)`"
            )
        }
    }

    /// The pack folder of a stored pack path (which may name the folder or its questionnaire.yaml).
    static func packFolder(_ path: String) -> String {
        path.hasSuffix(".yaml") ? (path as NSString).deletingLastPathComponent : path
    }
}
