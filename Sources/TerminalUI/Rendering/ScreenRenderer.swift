/// Draws a ``PromptScreen`` as lines of text for a terminal of a given size. Pure.
public struct ScreenRenderer: Sendable {
    public let width: Int
    public let height: Int
    public let style: TextStyle

    public init(width: Int, height: Int, style: TextStyle) {
        self.width = max(40, width)
        self.height = max(12, height)
        self.style = style
    }

    public func render(_ screen: PromptScreen) -> [String] {
        // Titles, options and typed text carry names people gave: shown, never obeyed.
        let screen = screen.neutralised
        var lines: [String] = [style.bold(screen.heading)]
        if let p = screen.progress {
            let label =
                " \(p.position) of \(p.total) · "
                + (p.minutesLeft <= 1 ? "about a minute left" : "about \(p.minutesLeft) min left")
            let bar = ProgressBar(width: max(10, min(40, width - label.count - 4))).render(
                p.total == 0 ? 1 : Double(p.answered) / Double(p.total))
            lines.append(style.accent(bar) + style.dim(label))
        }
        lines.append("")
        if let preface = screen.preface {
            lines += wrap(preface).map(style.dim) + [""]
        }
        lines += wrap(screen.title).map(style.bold)
        if screen.showHelp, let help = screen.help {
            lines += wrap(help).map { style.dim("  " + $0) }
        }
        lines.append("")
        let footerLines = 3
        let room = max(3, height - lines.count - footerLines)
        switch screen.input {
        case .select(let s):
            lines += window(s.options.count, cursor: s.cursor, room: room).map { i in
                let number = i < 9 ? "\(i + 1)." : "  "
                let text = "\(number) \(TerminalText.safe(s.options[i], multiline: false))"
                return i == s.cursor ? style.accent("› " + text) : "  " + text
            }
        case .multiSelect(let s):
            lines += window(s.options.count, cursor: s.cursor, room: room).map { i in
                let mark = s.selected.contains(i) ? "[x]" : "[ ]"
                let number = i < 9 ? "\(i + 1)." : "  "
                let text = "\(mark) \(number) \(TerminalText.safe(s.options[i], multiline: false))"
                return i == s.cursor ? style.accent("› " + text) : "  " + text
            }
        case .text(let s):
            lines.append(
                style.accent("› ") + TerminalText.safe(s.text, multiline: false)
                    + (screen.unit.map { style.dim("  (\($0))") } ?? ""))
        }
        lines.append("")
        if let error = screen.error {
            lines.append(style.error("✗ " + error))
        }
        lines.append(style.dim(footer(screen)))
        return lines
    }

    private func footer(_ screen: PromptScreen) -> String {
        let help = screen.help == nil ? "" : " · ? help"
        switch screen.input {
        case .select: return "↑/↓ or j/k move · 1-9 pick · Enter confirm · ← back\(help) · Ctrl-C save & quit"
        case .multiSelect: return "↑/↓ move · Space tick · a all · Enter confirm · ← back\(help) · Ctrl-C save & quit"
        case .text: return "Enter confirm · ← on empty line or Shift-Tab back\(help) · Ctrl-C save & quit"
        }
    }

    /// The indices to show when a list is longer than the room on screen, keeping the cursor visible.
    private func window(_ count: Int, cursor: Int, room: Int) -> [Int] {
        guard count > room else { return Array(0..<count) }
        let start = min(max(0, cursor - room / 2), count - room)
        return Array(start..<(start + room))
    }

    /// Splits text into lines no wider than the screen, at spaces.
    func wrap(_ text: String) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            for word in paragraph.split(separator: " ") {
                if !line.isEmpty, line.count + 1 + word.count > width - 2 {
                    lines.append(line)
                    line = ""
                }
                line += line.isEmpty ? String(word) : " " + word
            }
            lines.append(line)
        }
        return lines
    }
}
