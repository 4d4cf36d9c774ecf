/// The answers of one assessment, by key.
public struct AnswerSet: Sendable, Equatable {
    private(set) var values: [AnswerKey: AnswerValue]

    public init(_ values: [AnswerKey: AnswerValue] = [:]) {
        self.values = values
    }

    public subscript(key: AnswerKey) -> AnswerValue? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Every key with an answer, sorted by its text form.
    public var keys: [AnswerKey] { values.keys.sorted() }

    public var count: Int { values.count }

    public var isEmpty: Bool { values.isEmpty }
}
