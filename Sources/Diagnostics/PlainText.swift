/// The characters that text from a person (an answer, a business name, a note) may not hold,
/// wherever it is shown: control characters (C0, DEL, C1), bidi embeddings, overrides and isolates,
/// and noncharacters. Line breaks and the tab are allowed here; each reader keeps or folds them.
/// `AnswerText` refuses these in answers; the blueprint's YAML comments and the reports drop them.
public enum PlainText {
    /// Whether plain text may never hold `scalar`, even once line breaks and tabs are normalised
    /// (``isLineBreak(_:)`` and the tab are not forbidden: a reader keeps or folds them).
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        forbiddenName(scalar) != nil
    }

    /// Whether `scalar` is a bidi embedding, override or isolate: U+202A–U+202E, U+2066–U+2069.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Whether `scalar` breaks a line: LF, CR, VT, FF, NEL, U+2028, U+2029.
    public static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029].contains(scalar.value)
    }

    /// A short name for a character plain text may not hold, or `nil` when it may hold it.
    public static func forbiddenName(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x09, 0x0A...0x0D, 0x85: return nil
        case 0x00: return "NUL"
        case 0x07: return "BEL"
        case 0x08: return "backspace"
        case 0x1B: return "ESC"
        case 0x7F: return "DEL"
        case 0x9B: return "CSI"
        case 0x00...0x1F, 0x80...0x9F: return "a control character"
        default: break
        }
        if isBidiControl(scalar) { return "a text-direction control" }
        if scalar.properties.isNoncharacterCodePoint { return "a noncharacter" }
        return nil
    }
}
