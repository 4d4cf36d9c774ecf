/// Suggestions for misspelt names: "did you mean 'prompt'?".
public enum Spelling {
    /// The candidate nearest to `word`, when it is close enough to be a likely typo.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        YAMLNodeReader.closest(to: word, in: candidates)
    }

    /// ` (did you mean 'x'?)`, or nothing.
    public static func hint(for word: String, in candidates: [String]) -> String {
        closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
