import Foundation
import Outcomes
import Reports
import Scoring
import Workspace

/// The review after N days of a saved assessment: its report input beside a KPI snapshot.
public enum AssessmentReview {
    /// - Parameter date: the review's date; default the day the snapshot was exported.
    public static func input(
        _ saved: SavedAssessment, in workspace: Workspace, loaded: SnapshotFile.Loaded, paper: Paper, date: Date?
    ) throws -> ReviewInput {
        let exported = ISO8601DateFormatter().date(from: loaded.snapshot.exportedAt)
        let report = try AssessmentReporting.input(saved, in: workspace, paper: paper, date: date ?? exported)
        let id = saved.session.id ?? 0
        let fingerprint = BlueprintPlanner.provenance(of: saved.interview, assessmentID: id, date: report.date)
            .answersFingerprint
        return try ReviewInput.build(
            report: report, profile: try BusinessProfile(interview: saved.interview), loaded: loaded,
            answersFingerprint: fingerprint)
    }
}
