/// Prompts in a raw-mode terminal: the screen is redrawn after every key.
public final class TerminalPrompter: Prompter {
    private let terminal: RawTerminal
    private let style: TextStyle
    /// Keys typed ahead of the screen: those after the one that answered a prompt go to the next.
    private var typedAhead: [Key] = []

    public init(terminal: RawTerminal, style: TextStyle) {
        self.terminal = terminal
        self.style = style
    }

    public func ask(_ screen: PromptScreen) -> PromptResult {
        terminal.enableRawMode()
        var screen = screen
        while true {
            draw(screen)
            if typedAhead.isEmpty {
                guard let keys = terminal.readKeys() else { return .interrupted }
                typedAhead = keys
            }
            while !typedAhead.isEmpty {
                switch screen.input.handle(typedAhead.removeFirst()) {
                case .none: break
                case .toggleHelp: screen.showHelp.toggle()
                case .back: return .back
                case .interrupt: return .interrupted
                case .submit(let value): return .value(value)
                }
            }
        }
    }

    public func say(_ text: String) {
        terminal.write(
            TerminalText.safe(text).split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
                + "\r\n")
    }

    public func finish() {
        terminal.restore()
    }

    private func draw(_ screen: PromptScreen) {
        let size = terminal.size
        let lines = ScreenRenderer(width: size.columns, height: size.rows, style: style).render(screen)
        terminal.write("\u{1B}[H\u{1B}[2J" + lines.joined(separator: "\r\n"))
    }
}
