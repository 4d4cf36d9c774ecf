/// Text from people made safe to print on a terminal: whatever it holds is shown, never obeyed.
///
/// Answers are checked when they are given, but a workspace written by an older version, an
/// imported contact or an email subject may still hold an escape sequence that would retitle the
/// window, clear the screen or hide what follows. So every piece of text from outside that reaches
/// a terminal passes through here, whatever was checked before:
///
/// - C0 controls and DEL become their visible Control Pictures (`ESC` shows as `␛`, `BEL` as `␇`),
///   except the line feed and tab of multi-line text;
/// - C1 controls (U+0080–U+009F, which some terminals read as `ESC [`) and the bidi embeddings,
///   overrides and isolates (U+202A–U+202E, U+2066–U+2069) show as their code, `<U+202E>`.
///
/// Ordinary text in any script, emoji included, passes unchanged.
public enum TerminalText {
    /// `text` with every character a terminal would act on made visible.
    /// - Parameters:
    ///   - text: text from a person, a file or a stored answer.
    ///   - multiline: whether line feeds and tabs are kept; when `false` (a table cell, a one-line
    ///     message) they become spaces so the text stays on its line.
    ///
    /// ```swift
    /// TerminalText.safe("Acme\u{1B}[2J")  // "Acme␛[2J"
    /// ```
    public static func safe(_ text: String, multiline: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { needsNeutralising($0, multiline: multiline) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09:
                out.append(multiline ? scalar : " ")
            case 0x00...0x1F:
                out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F:
                out.append("\u{2421}")
            case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                out.append(contentsOf: "<U+\(hex(scalar.value))>".unicodeScalars)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether `scalar` is one ``safe(_:multiline:)`` changes.
    public static func needsNeutralising(_ scalar: Unicode.Scalar, multiline: Bool = true) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return !multiline
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
