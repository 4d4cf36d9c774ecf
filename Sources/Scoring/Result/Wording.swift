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
}
