import Foundation
import Mustache

/// The report templates (`report.html.mustache`, `report.md.mustache`) from a folder: the bundled
/// `templates/` or a consultant's edited copy (`--templates DIR`).
public struct TemplateSet: Sendable {
    public let folder: String
    let html: MustacheTemplate
    let markdown: MustacheTemplate

    static let htmlName = "report.html.mustache"
    static let markdownName = "report.md.mustache"

    /// Loads and checks both templates.
    /// - Throws: ``TemplateError`` naming the template file and line.
    public init(folder: String) throws(TemplateError) {
        self.folder = folder
        _ = MarkdownContentType.registered
        html = try Self.load(folder, Self.htmlName)
        markdown = try Self.load(folder, Self.markdownName)
    }

    private static func load(_ folder: String, _ name: String) throws(TemplateError) -> MustacheTemplate {
        let path = (folder as NSString).appendingPathComponent(name)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TemplateError(
                "\(path): cannot read the template (a templates folder holds \(htmlName) and \(markdownName))")
        }
        try checkUnescaped(text, path: path)
        do {
            return try MustacheTemplate(string: text)
        } catch let error as MustacheTemplate.ParserError {
            throw TemplateError(
                "\(path):\(error.context.lineNumber):\(error.context.columnNumber): \(describe(error.error)): \(error.context.line.trimmingCharacters(in: .whitespaces))"
            )
        } catch {
            throw TemplateError("\(path): \(error)")
        }
    }

    /// Unescaped output (`{{{ }}}` or `{{& }}`) is allowed only for the charts and the CSS form of the
    /// firm's name, which Baton builds and escapes itself; anything a person typed always goes
    /// through escaping, and a template may not change delimiters or the content type.
    private static func checkUnescaped(_ text: String, path: String) throws(TemplateError) {
        let allowed = ["charts.hours", "charts.cash", "charts.timeline", "charts.readiness", "firm.css_name"]
        for (number, line) in text.components(separatedBy: "\n").enumerated() {
            // Changing delimiters or the content type would let a template escape the checks.
            for forbidden in ["{{=", "{{%"] {
                guard let found = line.range(of: forbidden) else { continue }
                if forbidden == "{{%", line.contains("{{% CONTENT_TYPE: MARKDOWN }}"), path.hasSuffix(markdownName) {
                    continue
                }
                let column = line.distance(from: line.startIndex, to: found.lowerBound) + 1
                throw TemplateError(
                    "\(path):\(number + 1):\(column): '\(forbidden)' is not allowed: templates may not change delimiters or turn escaping off"
                )
            }
            var rest = Substring(line)
            while let open = rest.range(of: "{{{") ?? rest.range(of: "{{&") {
                let after = rest[open.upperBound...]
                let name = after.prefix { $0 != "}" }.trimmingCharacters(in: .whitespaces)
                if !allowed.contains(name) {
                    let column = line.distance(from: line.startIndex, to: open.lowerBound) + 1
                    throw TemplateError(
                        "\(path):\(number + 1):\(column): unescaped output of '\(name)' is not allowed (only the charts may use {{{ }}})"
                    )
                }
                rest = after
            }
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect:
            return "a section is closed with a different name than it was opened with"
        case MustacheTemplate.Error.unfinishedName: return "a tag is not closed"
        case MustacheTemplate.Error.expectedSectionEnd: return "a section is never closed"
        default: return "\(error)"
        }
    }
}

/// A template that cannot be read or parsed, with the file and line.
public struct TemplateError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
