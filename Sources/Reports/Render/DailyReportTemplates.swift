import Foundation
import Mustache

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

    /// The report as Markdown and HTML, by file extension, from its template values: plain data
    /// (strings, booleans, lists and maps) that the runtime builds (`DailyReport.templateValues`),
    /// so that Reports does not link the runtime. A template naming a value not given is refused.
    public func render(_ values: [String: Any]) throws -> [(fileExtension: String, text: String)] {
        try checker.check(markdown.names, against: values)
        try checker.check(html.names, against: values)
        // Edge cases quote what came from outside (an error, a lead's text): no control characters
        // reach the page, as in the client report (the Markdown escaping drops them already).
        return [
            ("md", markdown.template.render(values)),
            ("html", ReportRenderer.withoutControls(html.template.render(values))),
        ]
    }
}
