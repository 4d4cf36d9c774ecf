/// ANSI colours, or none at all when `NO_COLOR` is set or output is not a terminal.
public struct TextStyle: Sendable {
    public let colors: Bool

    public init(colors: Bool) {
        self.colors = colors
    }

    /// Colours on only for a terminal, and never when `NO_COLOR` is set to anything (no-color.org).
    public static func detect(outputIsTerminal: Bool, environment: [String: String]) -> TextStyle {
        TextStyle(colors: outputIsTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb")
    }

    public func bold(_ s: String) -> String { wrap(s, "1") }
    public func dim(_ s: String) -> String { wrap(s, "2") }
    public func accent(_ s: String) -> String { wrap(s, "36") }
    public func success(_ s: String) -> String { wrap(s, "32") }
    public func error(_ s: String) -> String { wrap(s, "31") }
    public func inverse(_ s: String) -> String { wrap(s, "7") }

    private func wrap(_ s: String, _ code: String) -> String {
        colors ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}
