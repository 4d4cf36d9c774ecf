/// One question as it will be asked: a question of the pack, for one repeat item when in a group.
public struct Step: Sendable, Hashable {
    /// Where the answer is stored.
    public let key: AnswerKey
    /// Index of the section in the pack.
    public let sectionIndex: Int
    /// Index of the question in its section.
    public let questionIndex: Int
}
