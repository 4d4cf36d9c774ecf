/// Everything one prompt shows: where the person is, the question, and the input.
public struct PromptScreen: Sendable {
    /// The title line above the progress bar: "AI readiness assessment · Your business".
    public var heading: String
    public var progress: ScreenProgress?
    /// Text shown once above the question: the assessment's or a section's introduction.
    public var preface: String?
    public var title: String
    public var help: String?
    public var showHelp = false
    /// Shown in red below the input after a rejected answer.
    public var error: String?
    /// A unit after typed numbers, e.g. "hours a week".
    public var unit: String?
    /// Whether the list's cursor stands on a saved or default answer (line mode offers it on Enter).
    public var cursorIsAnswer = false
    public var input: ScreenInput

    public init(
        heading: String, progress: ScreenProgress?, preface: String? = nil, title: String, help: String?,
        error: String? = nil, unit: String? = nil, input: ScreenInput, cursorIsAnswer: Bool = false
    ) {
        self.heading = heading
        self.preface = preface
        self.progress = progress
        self.title = title
        self.help = help
        self.error = error
        self.unit = unit
        self.input = input
        self.cursorIsAnswer = cursorIsAnswer
    }
}

extension PromptScreen {
    /// The screen with its texts passed through ``TerminalText/safe(_:multiline:)`` (the renderers
    /// pass options and typed text through it where they draw them).
    var neutralised: PromptScreen {
        var copy = self
        copy.heading = TerminalText.safe(heading, multiline: false)
        copy.preface = preface.map { TerminalText.safe($0) }
        copy.title = TerminalText.safe(title)
        copy.help = help.map { TerminalText.safe($0) }
        copy.error = error.map { TerminalText.safe($0, multiline: false) }
        copy.unit = unit.map { TerminalText.safe($0, multiline: false) }
        return copy
    }
}

/// The progress line: question `position` of `total`, how many answered, minutes left.
public struct ScreenProgress: Sendable, Equatable {
    public let position: Int
    public let total: Int
    public let answered: Int
    public let minutesLeft: Int

    public init(position: Int, total: Int, answered: Int, minutesLeft: Int) {
        self.position = position
        self.total = total
        self.answered = answered
        self.minutesLeft = minutesLeft
    }
}

/// The kind of input and its current state.
public enum ScreenInput: Sendable {
    case select(SelectState)
    case multiSelect(MultiSelectState)
    case text(TextInputState)

    mutating func handle(_ key: Key) -> PromptOutcome {
        switch self {
        case .select(var s):
            let outcome = s.handle(key)
            self = .select(s)
            return outcome
        case .multiSelect(var s):
            let outcome = s.handle(key)
            self = .multiSelect(s)
            return outcome
        case .text(var s):
            let outcome = s.handle(key)
            self = .text(s)
            return outcome
        }
    }
}
