import Foundation
import Mustache

/// The report templates (`report.html.mustache`, `report.md.mustache`) from a folder: the bundled
/// `templates/` or a consultant's edited copy (`--templates DIR`).
public struct TemplateSet: Sendable {
    public let folder: String
    let html: MustacheTemplate
    let markdown: MustacheTemplate
    /// Every tag name of each template, with its line and column, to check against the values.
    let htmlNames: [TagName]
    let markdownNames: [TagName]

    static let htmlName = "report.html.mustache"
    static let markdownName = "report.md.mustache"

    /// Loads and checks both templates.
    /// - Throws: ``TemplateError`` naming the template file and line.
    public init(folder: String) throws(TemplateError) {
        self.folder = folder
        _ = MarkdownContentType.registered
        (html, htmlNames) = try Self.load(folder, Self.htmlName)
        (markdown, markdownNames) = try Self.load(folder, Self.markdownName)
    }

    static func load(_ folder: String, _ name: String) throws(TemplateError) -> (MustacheTemplate, [TagName]) {
        let path = (folder as NSString).appendingPathComponent(name)
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw TemplateError(
                "\(path): cannot read the template (a templates folder holds \(htmlName) and \(markdownName))")
        }
        try checkUnescaped(text, path: path)
        do {
            return (try MustacheTemplate(string: text), try tagNames(text, path: path))
        } catch let error as TemplateError {
            throw error
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
        // `chart`: a review's chart of one KPI (review.html.mustache), drawn by Baton like the others.
        let allowed = ["charts.hours", "charts.cash", "charts.timeline", "charts.readiness", "firm.css_name", "chart"]
        for (number, line) in text.components(separatedBy: "\n").enumerated() {
            // Changing delimiters or the content type would let a template escape the checks.
            for forbidden in ["{{=", "{{%"] {
                guard let found = line.range(of: forbidden) else { continue }
                if forbidden == "{{%", line.contains("{{% CONTENT_TYPE: MARKDOWN }}"), path.hasSuffix(".md.mustache") {
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

    /// A name a template uses, and where.
    struct TagName: Sendable {
        let path: String
        let line: Int
        let column: Int
        let name: String
    }

    /// The names in `{{name}}`, `{{#name}}`, `{{^name}}` and `{{{name}}}` tags; partials are refused.
    private static func tagNames(_ text: String, path: String) throws(TemplateError) -> [TagName] {
        var names: [TagName] = []
        for (number, line) in text.components(separatedBy: "\n").enumerated() {
            var rest = Substring(line)
            while let open = rest.range(of: "{{") {
                var tag = rest[open.upperBound...].prefix { $0 != "}" }
                let column = line.distance(from: line.startIndex, to: open.lowerBound) + 1
                rest = rest[open.upperBound...]
                guard let first = tag.first else { continue }
                if "!%/".contains(first) { continue }
                if first == ">" || first == "<" || first == "$" {
                    throw TemplateError(
                        "\(path):\(number + 1):\(column): partials and blocks are not supported; keep the report in one template"
                    )
                }
                if "#^{&".contains(first) { tag = tag.dropFirst() }
                let name = tag.trimmingCharacters(in: .whitespaces)
                if !name.isEmpty && name != "." {
                    names.append(TagName(path: path, line: number + 1, column: column, name: name))
                }
            }
        }
        return names
    }

    /// Fails on the first name a template uses that the values do not hold at any level, so that a
    /// misspelt `{{busines.name}}` is an error with its position, not an empty space in the report.
    /// - Parameter rowNames: the names every row of a list holds, which an empty list cannot show.
    func check(_ names: [TagName], against values: [String: Any], rowNames: [String: [String]] = [:])
        throws(TemplateError)
    {
        var known = Set(rowNames.values.joined())
        func collect(_ value: Any) {
            if let dictionary = value as? [String: Any] {
                for (key, inner) in dictionary {
                    known.insert(key)
                    collect(inner)
                }
            } else if let list = value as? [Any] {
                list.forEach(collect)
            }
        }
        collect(values)
        for tag in names {
            let parts = tag.name.split(separator: ".").map(String.init)
            if let missing = parts.first(where: { !known.contains($0) }) {
                throw TemplateError(
                    "\(tag.path):\(tag.line):\(tag.column): no value named '\(missing)' in '\(tag.name)' (see docs/reports.md for the names)"
                )
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
