import Diagnostics
import Foundation

/// What a typed answer may hold: text in any script, emoji and punctuation, and nothing that acts
/// on whatever shows it.
///
/// A name or a note reaches a terminal, an HTML page, a Markdown email and a YAML blueprint. So a
/// text answer holds no control characters (C0, DEL, C1: the ESC of a terminal escape sequence,
/// BEL, NUL…), no bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which make text
/// read in a different order from the one it is stored in, and no noncharacter (U+FFFE…), which YAML
/// cannot carry. Right-to-left text needs none of them; the marks U+200E and U+200F stay allowed.
///
/// Line breaks are the exception the person meant: CR LF, CR, NEL, U+2028 and U+2029 become `\n`;
/// a long text keeps them and tabs, a one-line text turns each run of them into one space. A
/// byte-order mark (U+FEFF) pasted along with text is dropped: it is invisible, and YAML drops it.
/// Anything else is refused with a message that names the character and where it is, rather than
/// silently dropped, so that the saved answer is exactly what the person can see.
public enum AnswerText {
    /// Checks and normalises a text answer.
    /// - Parameters:
    ///   - text: the answer as typed or as an answers file holds it.
    ///   - multiline: whether line breaks and tabs are kept (`long_text`) or folded into spaces (`text`).
    /// - Returns: the text with line breaks normalised (and folded for one line), then trimmed.
    /// - Throws: ``AnswerProblem`` naming the first character a text answer may not hold.
    ///
    /// ```swift
    /// try AnswerText.clean("Northside\r\nPlumbing", multiline: false)  // "Northside Plumbing"
    /// try AnswerText.clean("Acme\u{1B}]0;pwned\u{7}", multiline: false)  // throws "remove ESC (U+001B) after 'Acme'…"
    /// ```
    public static func clean(_ text: String, multiline: Bool) throws(AnswerProblem) -> String {
        var out = String.UnicodeScalarView()
        var pendingBreak = false
        var iterator = text.unicodeScalars.makeIterator()
        var lookahead = iterator.next()
        while let scalar = lookahead {
            lookahead = iterator.next()
            if scalar == "\r", lookahead == "\n" { continue }  // CR LF is one line break.
            if PlainText.isLineBreak(scalar) || scalar == "\t" {
                if multiline {
                    out.append(scalar == "\t" ? "\t" : "\n")
                } else {
                    pendingBreak = true
                }
                continue
            }
            if scalar == "\u{FEFF}" { continue }  // A byte-order mark pasted along: invisible, and YAML drops it.
            if let name = PlainText.forbiddenName(scalar) {
                throw AnswerProblem(refusal(name, scalar, after: String(out)))
            }
            if pendingBreak {
                out.append(" ")
                pendingBreak = false
            }
            out.append(scalar)
        }
        return String(out).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func refusal(_ name: String, _ scalar: Unicode.Scalar, after before: String) -> String {
        let code = String(format: "U+%04X", scalar.value)
        let recent = before.suffix(20).map { $0 == "\n" || $0 == "\t" ? " " : $0 }.reduce(into: "") { $0.append($1) }
            .trimmingCharacters(in: .whitespaces)
        let place = recent.isEmpty ? "at the start" : "after '\(recent)'"
        let why =
            PlainText.isBidiControl(scalar)
            ? "it makes text read in a different order from the one it is stored in (right-to-left text needs none)"
            : "it would act on the screen or file that shows the answer"
        return "remove \(name) (\(code)) \(place): an answer is plain text, and \(why)"
    }
}
