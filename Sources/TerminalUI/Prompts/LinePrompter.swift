/// Prompts one line at a time, for when standard input is not a terminal (a pipe, a file, a script).
///
/// Choices are numbered; an answer is one line; `b` goes back, `?` shows help, and an empty line
/// keeps the answer shown in brackets. End of input is reported as ``PromptResult/endOfInput``.
public final class LinePrompter: Prompter {
    private let style: TextStyle
    private let readLine: () -> String?
    private let write: (String) -> Void
    private var lastHeading = ""

    /// - Parameters:
    ///   - readLine: the next line of input without its newline, or `nil` at end of input.
    ///   - write: prints text as given.
    public init(style: TextStyle, readLine: @escaping () -> String?, write: @escaping (String) -> Void) {
        self.style = style
        self.readLine = readLine
        self.write = write
    }

    public func ask(_ screen: PromptScreen) -> PromptResult {
        let screen = screen.neutralised
        if screen.heading != lastHeading {
            write("\n" + style.bold("== \(screen.heading) ==") + "\n")
            lastHeading = screen.heading
        }
        if let error = screen.error {
            write(style.error("! \(error)") + "\n")
        }
        var text = screen.preface.map { style.dim($0) + "\n" } ?? ""
        if let p = screen.progress {
            text += style.dim("[\(p.position)/\(p.total)] ")
        }
        text += screen.title + "\n"
        var hint = ""
        switch screen.input {
        case .select(let s):
            for (i, option) in s.options.enumerated() {
                text += "  \(i + 1)) \(TerminalText.safe(option, multiline: false))\n"
            }
            hint = screen.cursorIsAnswer ? "number, Enter keeps \(s.cursor + 1)" : "number"
        case .multiSelect(let s):
            for (i, option) in s.options.enumerated() {
                text += "  \(i + 1)) \(TerminalText.safe(option, multiline: false))\n"
            }
            hint = "numbers separated by commas"
            if !s.selected.isEmpty {
                hint += ", Enter keeps \(s.selected.sorted().map { String($0 + 1) }.joined(separator: ","))"
            }
        case .text(let s):
            hint = screen.unit ?? ""
            if !s.text.isEmpty {
                hint += (hint.isEmpty ? "" : ", ") + "Enter keeps \(TerminalText.safe(s.text, multiline: false))"
            }
        }
        text += style.dim(hint.isEmpty ? "> " : "(\(hint)) > ")
        write(text)
        while true {
            guard let line = readLine() else {
                write("\n")
                return .endOfInput
            }
            // Input from a pipe is not echoed by a terminal: show it, so the transcript reads as a dialogue.
            write(TerminalText.safe(line, multiline: false) + "\n")
            switch line.filter({ !$0.isWhitespace }).lowercased() {
            case "?", "help":
                write(style.dim(screen.help ?? "No help for this question.") + "\n> ")
            case "b", "back", "<":
                return .back
            default:
                return .value(.text(line))
            }
        }
    }

    public func say(_ text: String) {
        write(TerminalText.safe(text) + "\n")
    }

    public func finish() {}
}
