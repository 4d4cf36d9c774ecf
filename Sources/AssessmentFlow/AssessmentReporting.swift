import Foundation
import Questionnaire
import Reports
import Scoring
import Workspace

/// Builds report inputs from the workspace, and the example reports from the bundled businesses.
public enum AssessmentReporting {
    /// The input of a saved assessment's report: its latest stored score (scoring it now if it has
    /// none), its notes, the workspace's branding, and its completion date unless `date` is given.
    public static func input(_ saved: SavedAssessment, in workspace: Workspace, paper: Paper, date: Date?) throws
        -> ReportInput
    {
        let id = saved.session.id ?? 0
        let (model, result) = try AssessmentScoring.latest(saved, in: workspace)
        return ReportInput(
            result: result, assessmentID: id, date: date ?? saved.session.completedAt ?? saved.session.updatedAt,
            notes: try workspace.notes(of: id), branding: try Branding.load(workspaceFolder: workspace.directory),
            paper: paper, model: model,
            // The report describes the plan as it is, an empty one included (which has no blueprint to write).
            blueprint: BlueprintPlanner(catalog: model.catalog).blueprint(
                for: result, profile: try BusinessProfile(interview: saved.interview)))
    }
}
