/// A typed answer: characters add, Backspace removes, Ctrl-U clears, Enter confirms.
/// On an empty line, ← goes back and `?` shows help; otherwise they are text.
public struct TextInputState: Sendable, Equatable {
    public private(set) var text: String

    public init(text: String = "") {
        self.text = text
    }

    public mutating func handle(_ key: Key) -> PromptOutcome {
        switch key {
        case .character("?") where text.isEmpty:
            return .toggleHelp
        case .character(let c):
            text.append(c)
        case .space:
            text.append(" ")
        case .backspace:
            if !text.isEmpty { text.removeLast() }
        case .ctrlU:
            text = ""
        case .enter:
            return .submit(.text(text))
        case .left where text.isEmpty, .backTab:
            return .back
        case .ctrlC:
            return .interrupt
        case .ctrlD where text.isEmpty:
            return .interrupt
        default:
            break
        }
        return .none
    }
}
