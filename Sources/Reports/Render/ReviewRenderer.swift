import CSV
import Foundation
import Mustache
import Outcomes
import Scoring

/// Renders the review after N days (`review.html.mustache`, `review.md.mustache`; JSON and CSV
/// built here) with the same escaping and checks as the client report. Pure: the same input and
/// templates give the same bytes.
public struct ReviewRenderer: Sendable {
    let html: (template: MustacheTemplate, names: [TemplateSet.TagName])
    let markdown: (template: MustacheTemplate, names: [TemplateSet.TagName])
    let checker: TemplateSet

    /// Bumped when the JSON review's envelope changes.
    public static let jsonVersion = 1

    public init(folder: String) throws(TemplateError) {
        checker = try TemplateSet(folder: folder)
        html = try TemplateSet.load(folder, "review.html.mustache")
        markdown = try TemplateSet.load(folder, "review.md.mustache")
    }

    public func render(_ input: ReviewInput, as format: ReportRenderer.Format) throws -> String {
        switch format {
        case .html:
            let values = ReviewContext(input: input, withCharts: true).values()
            try checker.check(html.names, against: values, rowNames: ReviewContext.rowNames)
            return ReportRenderer.withoutControls(html.template.render(values))
        case .md:
            let values = ReviewContext(input: input, withCharts: false).values()
            try checker.check(markdown.names, against: values, rowNames: ReviewContext.rowNames)
            return markdown.template.render(values)
        case .json: return try json(input)
        case .csv: return csv(input.snapshot)
        }
    }

    /// The review's conclusions with the snapshot they rest on, in a versioned envelope.
    private func json(_ input: ReviewInput) throws -> String {
        struct Money: Encodable {
            let projectedTimeValue: Double
            let realisedTimeValue: Double?
            let projectedRevenueEffect: Double
            let realisedRevenueEffect: Double?
            enum CodingKeys: String, CodingKey {
                case projectedTimeValue = "projected_time_value", realisedTimeValue = "realised_time_value"
                case projectedRevenueEffect = "projected_revenue_effect", realisedRevenueEffect =
                    "realised_revenue_effect"
            }
        }
        struct Envelope: Encodable {
            let reviewVersion: Int
            let assessmentID: Int64
            let date: String
            let preparedBy: String
            let status: String
            let reasons: [String]
            let snapshotIntact: Bool
            let answersChanged: Bool
            let benefit: Money
            let original: AssessmentResult
            let onTheEvidence: AssessmentResult?
            let snapshot: KPISnapshot
            enum CodingKeys: String, CodingKey {
                case date, status, reasons, benefit, original, snapshot
                case reviewVersion = "review_version", assessmentID = "assessment_id", preparedBy = "prepared_by"
                case snapshotIntact = "snapshot_intact", answersChanged = "answers_changed"
                case onTheEvidence = "on_the_evidence"
            }
        }
        let findings = ReviewFindings(input)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        func clean(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? ($0 * 100).rounded() / 100 : nil } }
        let envelope = Envelope(
            reviewVersion: Self.jsonVersion, assessmentID: input.report.assessmentID,
            date: formatter.string(from: input.report.date), preparedBy: input.report.branding.firm,
            status: findings.status.rawValue, reasons: findings.reasons, snapshotIntact: input.intact,
            answersChanged: input.answersChanged,
            benefit: Money(
                projectedTimeValue: clean(findings.projectedTime) ?? 0, realisedTimeValue: clean(findings.realisedTime),
                projectedRevenueEffect: clean(findings.projectedRevenue) ?? 0,
                realisedRevenueEffect: clean(findings.realisedRevenue)),
            original: input.report.result, onTheEvidence: input.rescored, snapshot: input.snapshot)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(envelope), as: UTF8.self) + "\n"
    }

    /// Each KPI's weekly actuals beside its baseline and target, RFC 4180, formulas defused.
    private func csv(_ s: KPISnapshot) -> String {
        var lines = [
            ["kpi", "name", "unit", "week_start", "days", "actual", "baseline", "target", "method"].joined(
                separator: ",")
        ]
        func number(_ v: Double?) -> String { v.flatMap { $0.isFinite ? "\($0)" : nil } ?? "" }
        for kpi in s.kpis {
            for (week, value) in zip(s.weeks, kpi.weekly) {
                let cells = [
                    kpi.id, kpi.name, kpi.unit, week.start, "\(week.days)", number(value), number(kpi.baseline),
                    number(kpi.target), kpi.method.rawValue,
                ]
                lines.append(cells.map(CSVTable.cell).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
