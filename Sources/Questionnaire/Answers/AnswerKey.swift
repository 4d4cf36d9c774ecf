/// Where an answer belongs: a top-level question, or a question of a repeat group for one item.
///
/// Its text form is the path an expression uses: `team_size`, `workflow_details[lead_intake].hours`.
public struct AnswerKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let question: String
    /// The repeat group, for questions inside one.
    public let group: String?
    /// The item of the repeat group this answer is about.
    public let item: String?

    public init(question: String, group: String? = nil, item: String? = nil) {
        self.question = question
        self.group = group
        self.item = item
    }

    /// Parses the text form; `nil` when it is not of the shape `id` or `group[item].id`.
    public init?(_ text: String) {
        guard let open = text.firstIndex(of: "[") else {
            guard !text.isEmpty, !text.contains("."), !text.contains("]") else { return nil }
            self.init(question: text)
            return
        }
        guard let close = text.firstIndex(of: "]"), close > open,
            text[text.index(after: close)...].first == "."
        else { return nil }
        let group = String(text[..<open])
        let item = String(text[text.index(after: open)..<close])
        let question = String(text[text.index(close, offsetBy: 2)...])
        guard !group.isEmpty, !item.isEmpty, !question.isEmpty else { return nil }
        self.init(question: question, group: group, item: item)
    }

    public var description: String {
        guard let group, let item else { return question }
        return "\(group)[\(item)].\(question)"
    }

    public static func < (a: AnswerKey, b: AnswerKey) -> Bool { a.description < b.description }
}
