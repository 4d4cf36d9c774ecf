/// Something that can put a prompt in front of a person and bring back their answer:
/// the raw-mode terminal, or numbered lines on a pipe.
public protocol Prompter: AnyObject {
    /// Shows the screen and waits for an answer, a step back, or the person leaving.
    func ask(_ screen: PromptScreen) -> PromptResult
    /// Prints a message between prompts (a section intro, a summary), as plain text: control
    /// characters in it are shown, not obeyed (``TerminalText``).
    func say(_ text: String)
    /// Puts the terminal back as it was found. Safe to call more than once.
    func finish()
}
