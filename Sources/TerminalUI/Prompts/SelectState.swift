/// A single-choice list: arrows or j/k move, a number key picks, Enter or Space confirms.
public struct SelectState: Sendable, Equatable {
    public let options: [String]
    public private(set) var cursor: Int

    public init(options: [String], cursor: Int = 0) {
        self.options = options
        self.cursor = options.isEmpty ? 0 : max(0, min(cursor, options.count - 1))
    }

    public mutating func handle(_ key: Key) -> PromptOutcome {
        if let shared = ListNavigation.handle(key, cursor: &cursor, count: options.count) { return shared }
        switch key {
        case .enter, .space:
            return options.isEmpty ? .none : .submit(.option(cursor))
        case .character(let c) where c.isNumber:
            guard let n = c.wholeNumberValue, n >= 1, n <= options.count else { return .none }
            cursor = n - 1
            return .submit(.option(cursor))
        default:
            return .none
        }
    }
}
