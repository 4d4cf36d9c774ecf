import Foundation
import Mustache
import Orchestrator

/// The daily report's templates (`daily-report.md.mustache`, `daily-report.html.mustache`), with
/// the same escaping and checks as the client report's.
public struct DailyReportTemplates: Sendable {
    let markdown: (template: MustacheTemplate, names: [TemplateSet.TagName])
    let html: (template: MustacheTemplate, names: [TemplateSet.TagName])
    let checker: TemplateSet

    public init(folder: String) throws(TemplateError) {
        checker = try TemplateSet(folder: folder)
        markdown = try TemplateSet.load(folder, "daily-report.md.mustache")
        html = try TemplateSet.load(folder, "daily-report.html.mustache")
    }

    /// The report as Markdown and HTML, by file extension.
    public func render(_ report: DailyReport) throws -> [(fileExtension: String, text: String)] {
        let values = Self.values(report)
        try checker.check(markdown.names, against: values)
        try checker.check(html.names, against: values)
        return [("md", markdown.template.render(values)), ("html", html.template.render(values))]
    }

    static func values(_ r: DailyReport) -> [String: Any] {
        [
            "business": r.business, "day": r.day, "covers": r.covers, "time_zone": r.timeZone,
            "agents": r.agents.map { a -> [String: Any] in
                [
                    "id": a.id, "tasks": "\(a.tasks)", "actions": "\(a.actions)", "escalated": "\(a.escalated)",
                    "approved": "\(a.approved)",
                    "rejected": "\(a.rejected)", "overridden": "\(a.overridden)", "edge_cases": a.edgeCases,
                    "has_edge_cases": !a.edgeCases.isEmpty,
                ]
            },
            "kpis": [
                "leads_answered": "\(r.kpis.leadsAnswered)", "p50": DailyReport.minutes(r.kpis.firstResponseP50Minutes),
                "p90": DailyReport.minutes(r.kpis.firstResponseP90Minutes), "has_target": r.kpis.targetMinutes != nil,
                "baseline": r.kpis.baselineMinutes.map { "\(Int($0)) min" } ?? "",
                "target": r.kpis.targetMinutes.map { "\(Int($0)) min" } ?? "",
                "escalations": "\(r.kpis.escalations)", "denials": "\(r.kpis.denials)",
            ],
        ]
    }
}
