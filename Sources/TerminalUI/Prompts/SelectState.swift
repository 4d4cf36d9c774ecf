/// A single-choice list: arrows or j/k move, a number key picks, Enter or Space confirms.
public struct SelectState: Sendable, Equatable {
    public let options: [String]
    public private(set) var cursor: Int

    public init(options: [String], cursor: Int = 0) {
        self.options = options
        self.cursor = options.isEmpty ? 0 : max(0, min(cursor, options.count - 1))
    }

    public mutating func handle(_ key: Key) -> PromptOutcome {
        switch key {
        case .up, .character("k"):
            cursor = cursor == 0 ? options.count - 1 : cursor - 1
        case .down, .character("j"), .tab:
            cursor = cursor + 1 >= options.count ? 0 : cursor + 1
        case .enter, .space:
            return options.isEmpty ? .none : .submit(.option(cursor))
        case .character(let c) where c.isNumber:
            guard let n = c.wholeNumberValue, n >= 1, n <= options.count else { return .none }
            cursor = n - 1
            return .submit(.option(cursor))
        case .left, .backTab, .character("h"):
            return .back
        case .character("?"):
            return .toggleHelp
        case .ctrlC, .ctrlD:
            return .interrupt
        default:
            break
        }
        return .none
    }
}
