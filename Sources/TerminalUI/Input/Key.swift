/// A key press, decoded from the bytes a terminal sends in raw mode.
public enum Key: Sendable, Equatable {
    case up, down, left, right
    case enter, space, tab, backTab, backspace, escape
    case ctrlC, ctrlD, ctrlU
    case character(Character)
}
