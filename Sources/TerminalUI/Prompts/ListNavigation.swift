/// The keys every list prompt shares: moving the cursor (with wrap-around), back, help and leaving.
enum ListNavigation {
    /// Applies `key` if it is one of the shared keys; `nil` when the list prompt must decide.
    static func handle(_ key: Key, cursor: inout Int, count: Int) -> PromptOutcome? {
        switch key {
        case .up, .character("k"):
            cursor = cursor == 0 ? max(0, count - 1) : cursor - 1
        case .down, .character("j"), .tab:
            cursor = cursor + 1 >= count ? 0 : cursor + 1
        case .left, .backTab, .character("h"):
            return .back
        case .character("?"):
            return .toggleHelp
        case .ctrlC, .ctrlD:
            return .interrupt
        default:
            return nil
        }
        return PromptOutcome.none
    }
}
