/// A multiple-choice list: arrows or j/k move, Space or a number key ticks, Enter confirms.
public struct MultiSelectState: Sendable, Equatable {
    public let options: [String]
    public private(set) var cursor = 0
    public private(set) var selected: Set<Int>

    public init(options: [String], selected: Set<Int> = []) {
        self.options = options
        self.selected = selected.filter { $0 < options.count }
    }

    public mutating func handle(_ key: Key) -> PromptOutcome {
        if let shared = ListNavigation.handle(key, cursor: &cursor, count: options.count) { return shared }
        switch key {
        case .space, .character("x"):
            toggle(cursor)
        case .character(let c) where c.isNumber:
            guard let n = c.wholeNumberValue, n >= 1, n <= options.count else { return .none }
            cursor = n - 1
            toggle(cursor)
        case .character("a"):
            selected = selected.count == options.count ? [] : Set(options.indices)
        case .enter:
            return .submit(.options(selected.sorted()))
        default:
            break
        }
        return .none
    }

    private mutating func toggle(_ index: Int) {
        if selected.contains(index) { selected.remove(index) } else { selected.insert(index) }
    }
}
