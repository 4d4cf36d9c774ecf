/// How names read inside a sentence.
public enum Wording {
    /// A label as it reads mid-sentence: "Lead intake" → "lead intake", while a name that starts
    /// with an acronym ("R&D tax credits", "CRM clean-up") or is not in a cased script keeps its
    /// letters as the prospect typed them.
    public static func inSentence(_ label: String) -> String {
        let trimmed = label.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.first, first.isUppercase else { return trimmed }
        let second = trimmed.dropFirst().first
        if let second, second.isUppercase || (!second.isLetter && second != " ") { return trimmed }
        return first.lowercased() + trimmed.dropFirst()
    }

    /// A workflow's label mid-sentence; a name the prospect gave ("something else") stays as typed.
    public static func inSentence(_ label: String, type: String) -> String {
        type == WorkflowAnswers.customType ? label.trimmingCharacters(in: .whitespaces) : inSentence(label)
    }

    /// An opportunity's label mid-sentence (see ``inSentence(_:type:)``).
    public static func inSentence(_ opportunity: Opportunity) -> String {
        inSentence(opportunity.label, type: opportunity.workflow)
    }
}
