import Diagnostics
import Mustache
import Questionnaire

/// Escaping for Markdown output: a value can start no markup, no HTML and no new table cell, and
/// otherwise reads as it was typed, since the same text is read as plain text in an email.
///
/// Only what CommonMark and GitHub tables would act on is backslash-escaped, and only where they
/// would act on it: `` ` ``, `*`, `[` (so no link or image), `|` and `~` anywhere; `_` at the edge of a word (not in
/// `snake_case`); `<` when it could open a tag or an autolink (`<b`, `</`, `<!`, `<?`, not `a < b`);
/// `&` when it would spell an entity (`&lt;`); `\` before punctuation; a block marker at the start
/// (`# `, `>`, `- `, `+ `, `1. `), since a value may open a list item; and a closing `#` run that a
/// heading would swallow. A bare `&`, `{{#x}}`, `#1`, `3.5`, `C:\Users` and `a < b` stay as they are.
/// Line breaks become spaces; control characters and bidi controls left by older workspaces are
/// dropped (``PlainText/isForbidden(_:)``).
struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        let chars = Array(Self.oneLine(text))
        let leading = chars.prefix { $0 == " " }.count
        var out = ""
        out.reserveCapacity(chars.count)
        for (i, c) in chars.enumerated() {
            let previous = i > 0 ? chars[i - 1] : nil
            let next = i + 1 < chars.count ? chars[i + 1] : nil
            if Self.needsEscape(c, at: i, in: chars, leading: leading, previous: previous, next: next) { out += "\\" }
            out.append(c)
        }
        return out
    }

    /// Whether the character at `i` would act as Markdown where it stands.
    /// - Parameter leading: how many spaces the value starts with.
    private static func needsEscape(
        _ c: Character, at i: Int, in chars: [Character], leading: Int, previous: Character?, next: Character?
    ) -> Bool {
        let atStart = i == leading
        let endsWord = next == nil || next == " "
        switch c {
        case "`", "*", "[", "|", "~":
            return true
        case "_":
            return !((previous.map(isWordCharacter) ?? false) && (next.map(isWordCharacter) ?? false))
        case "<":
            guard let next else { return false }
            return (next.isASCII && next.isLetter) || next == "/" || next == "!" || next == "?"
        case "&":
            return spellsEntity(chars[(i + 1)...])
        case "\\":
            guard let next else { return true }  // A template's own punctuation may follow the value.
            return next.isASCII && (next.isPunctuation || next.isSymbol)
        case "#":
            if atStart {
                // "# Acme" or "### " would open a heading; "#1" would not.
                let run = chars[i...].prefix { $0 == "#" }
                let after = chars.dropFirst(i + run.count).first
                return run.count <= 6 && (after == nil || after == " ")
            }
            // A heading drops a closing run of #s: "Acme #" would lose its "#".
            return previous == " " && chars[(i + 1)...].allSatisfy { $0 == "#" }
        case ">":
            return atStart
        case "-", "+":
            return atStart && (endsWord || next == c)
        case ".", ")":
            // "1. Acme" at the start of a list item would open a numbered list; "3.5" would not.
            guard endsWord, i > leading, i - leading <= 9 else { return false }
            return chars[leading..<i].allSatisfy { $0.isASCII && $0.isNumber }
        default:
            return false
        }
    }

    private static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }

    /// Whether the text after an `&` spells an HTML entity reference: `lt;`, `#60;`, `#x3C;`.
    private static func spellsEntity(_ rest: ArraySlice<Character>) -> Bool {
        guard let end = rest.prefix(33).firstIndex(of: ";"), end > rest.startIndex else { return false }
        let name = rest[rest.startIndex..<end]
        if name.first == "#" {
            let digits = name.dropFirst()
            if digits.first == "x" || digits.first == "X" {
                return digits.count > 1 && digits.dropFirst().allSatisfy { $0.isHexDigit }
            }
            return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
        }
        return name.first!.isASCII && name.first!.isLetter
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The text on one line, without the characters a text answer may not hold.
    private static func oneLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var lastWasBreak = false
        for scalar in text.unicodeScalars {
            if PlainText.isLineBreak(scalar) || scalar == "\t" {
                if !lastWasBreak { out.append(" ") }
                lastWasBreak = true
                continue
            }
            lastWasBreak = false
            if !PlainText.isForbidden(scalar) { out.append(scalar) }
        }
        return String(out)
    }

    /// Registered once, under the name templates use: `{{% CONTENT_TYPE: MARKDOWN }}`.
    static let registered: Void = MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
}
