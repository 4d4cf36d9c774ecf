import CSV
import Diagnostics
import Foundation
import Questionnaire
import Scoring

/// Renders a report in one of its formats. Pure: the same input and templates give the same bytes.
public struct ReportRenderer: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case html, md, json, csv

        /// The file extension.
        public var fileExtension: String { rawValue }
    }

    /// Bumped when the JSON report's envelope changes.
    public static let jsonVersion = 1

    public let templates: TemplateSet

    public init(templates: TemplateSet) {
        self.templates = templates
    }

    public func render(_ input: ReportInput, as format: Format) throws -> String {
        switch format {
        case .html:
            let values = ReportContext(input: input, withCharts: true).values()
            try templates.check(templates.htmlNames, against: values, rowNames: ReportContext.rowNames)
            return Self.withoutControls(templates.html.render(values))
        case .md:
            let values = ReportContext(input: input, withCharts: false).values()
            try templates.check(templates.markdownNames, against: values, rowNames: ReportContext.rowNames)
            return templates.markdown.render(values)
        case .json:
            return try json(input)
        case .csv:
            return csv(input.result)
        }
    }

    /// The scoring result inside a versioned envelope with the report's metadata.
    private func json(_ input: ReportInput) throws -> String {
        struct Envelope: Encodable {
            let reportVersion: Int
            let assessmentID: Int64
            let date: String
            let preparedBy: String
            let notes: [String]
            let result: AssessmentResult
            enum CodingKeys: String, CodingKey {
                case date, notes, result
                case reportVersion = "report_version", assessmentID = "assessment_id", preparedBy = "prepared_by"
            }
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let envelope = Envelope(
            reportVersion: Self.jsonVersion, assessmentID: input.assessmentID, date: formatter.string(from: input.date),
            preparedBy: input.branding.firm, notes: input.notes, result: input.result)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(envelope), as: UTF8.self) + "\n"
    }

    /// The opportunities table, RFC 4180, with cells that a spreadsheet would run as formulas defused.
    private func csv(_ r: AssessmentResult) -> String {
        let header = [
            "rank", "workflow", "label", "hours_per_week", "hours_saved_per_week", "potential", "annual_value",
            "currency", "ease",
            "in_plan", "agent", "why",
        ]
        var lines = [header.joined(separator: ",")]
        for o in r.opportunities {
            let cells = [
                "\(o.rank)", o.workflow, o.label, "\(o.hoursPerWeek)", "\(o.hoursSavedPerWeek.value)",
                "\(o.potential.value)",
                "\(o.annualValue.value)", r.business.currency, "\(o.ease.value)", o.inPlan ? "yes" : "no",
                o.agent ?? "", o.why,
            ]
            lines.append(cells.map(Self.csvCell).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func csvCell(_ value: String) -> String { CSVTable.cell(value) }

    /// The page without the control and bidi characters an older workspace may still hold (new
    /// answers refuse them): HTML escaping keeps them, and a browser or PDF would act on them.
    /// The line breaks HTML refuses (VT, NEL) become `\n`, the one it reads the same.
    static func withoutControls(_ html: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in html.unicodeScalars {
            if scalar == "\u{0B}" || scalar == "\u{85}" {
                out.append("\n")
            } else if !PlainText.isForbidden(scalar) || scalar == "\n" || scalar == "\r" || scalar == "\t" {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
