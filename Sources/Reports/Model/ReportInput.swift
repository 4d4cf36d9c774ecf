import Blueprint
import Foundation
import Scoring

/// Everything a report is made from. The date is given, not read from a clock, so that the same
/// input always gives the same bytes.
public struct ReportInput: Sendable {
    public var result: AssessmentResult
    public var assessmentID: Int64
    public var date: Date
    /// The consultant's notes (`baton note`), oldest first.
    public var notes: [String]
    public var branding: Branding
    public var paper: Paper
    /// The scoring parameters behind the result: readiness weights and the sources cited.
    public var model: ScoringModel
    /// The recommended system's blueprint: what each agent may do and what waits for approval,
    /// so that the report and the running system say the same.
    public var blueprint: Blueprint

    public init(
        result: AssessmentResult, assessmentID: Int64, date: Date, notes: [String], branding: Branding, paper: Paper,
        model: ScoringModel, blueprint: Blueprint
    ) {
        self.blueprint = blueprint
        self.result = result
        self.assessmentID = assessmentID
        self.date = date
        self.notes = notes
        self.branding = branding
        self.paper = paper
        self.model = model
    }
}

/// Page size of the printed report.
public enum Paper: String, Sendable, CaseIterable {
    case letter, a4

    /// The CSS `@page` size.
    var css: String { self == .letter ? "Letter" : "A4" }
}
