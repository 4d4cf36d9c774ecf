import Mustache

/// Escaping for Markdown output: characters that would start markup, HTML or a table cell are
/// backslash-escaped or turned into entities, so a business name cannot inject either. A bare `&`
/// stays as it is, so that pasted text reads "Plumbing & Heating".
struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "#", "|", "!": out += "\\\(c)"
            case "\n": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    /// Registered once, under the name templates use: `{{% CONTENT_TYPE: MARKDOWN }}`.
    static let registered: Void = MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
}
