import Blueprint
import Foundation
import Scoring
import Workspace

/// The blueprint of a saved assessment's recommended agent system.
public enum AssessmentPlanning {
    /// Plans from the assessment's latest stored score (scoring it now if it has none).
    public static func blueprint(_ saved: SavedAssessment, in workspace: Workspace) throws -> Blueprint {
        let (model, result) = try AssessmentScoring.latest(saved, in: workspace)
        return BlueprintPlanner(catalog: model.catalog).blueprint(
            for: result, profile: try BusinessProfile(interview: saved.interview))
    }
}
