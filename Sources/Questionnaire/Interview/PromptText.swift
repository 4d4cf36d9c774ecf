/// Piping of answers into text: `How many hours does {{ item_label }} take at {{ business_name }}?`
public enum PromptText {
    /// The expression texts between `{{` and `}}`, trimmed, in order.
    public static func placeholders(in text: String) -> [String] {
        var result: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            result.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return result
    }

    /// Replaces every placeholder with its value; one that has no value yet reads as `…`.
    public static func render(_ text: String, with evaluator: ExpressionEvaluator) -> String {
        guard text.contains("{{") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            output += rest[..<open.lowerBound]
            let source = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let value = (try? ExpressionParser.parse(source)).map(evaluator.evaluate) ?? .null
            output += value == .null ? "…" : value.displayText
            rest = rest[close.upperBound...]
        }
        return output + rest
    }
}
