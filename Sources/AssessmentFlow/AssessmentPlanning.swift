import Blueprint
import Foundation
import Scoring
import Workspace

/// The blueprint of a saved assessment's recommended agent system.
public enum AssessmentPlanning {
    /// Plans from the assessment's latest stored score (scoring it now if it has none).
    public static func blueprint(_ saved: SavedAssessment, in workspace: Workspace) throws -> Blueprint {
        let id = saved.session.id ?? 0
        let model = try ScoringModel.load(packFolder: AssessmentScoring.packFolder(saved.session.packPath))
        let result: AssessmentResult
        if let stored = try workspace.latestScore(of: id) {
            result = try AssessmentResult.decode(json: stored.resultJSON)
        } else {
            result = try AssessmentScoring.score(saved, in: workspace)
        }
        let profile = try BusinessProfile(interview: saved.interview)
        return BlueprintPlanner(catalog: model.catalog).blueprint(
            for: result, approvalsChosen: profile.approvalActions, leadResponseMinutes: profile.leads?.responseMinutes)
    }
}
