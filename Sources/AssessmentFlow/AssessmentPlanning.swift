import Blueprint
import Foundation
import Scoring
import Workspace

/// The blueprint of a saved assessment's recommended agent system.
public enum AssessmentPlanning {
    /// Plans from the assessment's latest stored score (scoring it now if it has none), recording
    /// what it was built from: the assessment, its answers' fingerprint and `date` (the caller's clock).
    public static func blueprint(_ saved: SavedAssessment, in workspace: Workspace, date: Date) throws -> Blueprint {
        let (model, result) = try AssessmentScoring.latest(saved, in: workspace)
        // A system with no agents would validate and run, doing nothing: say why instead.
        guard !result.plan.agents.isEmpty else {
            throw ScoringError(
                "assessment \(saved.session.id ?? 0) has no agent worth building, so there is no blueprint to write. \(result.plan.why) Measure one workflow for two weeks, then score it again."
            )
        }
        return BlueprintPlanner(catalog: model.catalog).blueprint(
            for: result, profile: try BusinessProfile(interview: saved.interview),
            provenance: BlueprintPlanner.provenance(
                of: saved.interview, assessmentID: saved.session.id ?? 0, date: date))
    }
}
