/// What a key press did to a prompt.
public enum PromptOutcome: Sendable, Equatable {
    /// Nothing to report; redraw.
    case none
    /// The person confirmed an answer.
    case submit(PromptValue)
    /// The person asked for the previous question.
    case back
    /// The person asked to show or hide the help text.
    case toggleHelp
    /// Ctrl-C (or Ctrl-D on an empty line): leave.
    case interrupt
}

/// An answer as a prompt gives it: the index of one option, the indices of several, or typed text.
public enum PromptValue: Sendable, Equatable {
    case option(Int)
    case options([Int])
    case text(String)
}

/// How a prompt ended, as the caller sees it.
public enum PromptResult: Sendable, Equatable {
    case value(PromptValue)
    case back
    case interrupted
    /// Standard input ended before an answer (line mode only).
    case endOfInput
}
