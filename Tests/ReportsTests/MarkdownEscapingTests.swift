import BatonTestSupport
import Foundation
import Testing

@testable import Reports

/// Markdown escapes what it must and nothing more: plain text reads as typed, and no value can
/// start markup, HTML, an entity or a table cell.
struct MarkdownEscapingTests {
    let markdown = MarkdownContentType()

    /// What a CommonMark reader sees in escaped text: each character, and whether it is literal
    /// (backslash-escaped) or would be read as Markdown.
    static func read(_ escaped: String) -> [(char: Character, literal: Bool)] {
        var out: [(Character, Bool)] = []
        var chars = Array(escaped)[...]
        while let c = chars.popFirst() {
            if c == "\\", let next = chars.first, next.isASCII, next.isPunctuation || next.isSymbol {
                out.append((chars.removeFirst(), true))
            } else {
                out.append((c, false))
            }
        }
        return out
    }

    /// The text on one line without the characters no answer may hold, as the escaper reads it.
    static func oneLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var lastWasBreak = false
        for scalar in text.unicodeScalars {
            let isBreak = [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029, 0x09].contains(scalar.value)
            if isBreak {
                if !lastWasBreak { out.append(" ") }
                lastWasBreak = true
                continue
            }
            lastWasBreak = false
            if !HostileText.isTerminalControl(scalar) && !scalar.properties.isNoncharacterCodePoint {
                out.append(scalar)
            }
        }
        return String(out)
    }

    @Test(arguments: 0..<500)
    func escapedTextReadsBackAsTypedAndStartsNoMarkup(seed: Int) {
        var gen = HostileText(seed: UInt64(seed) &+ 60_000)
        let text = gen.string(hostileShare: 25)
        let escaped = markdown.escapeText(text)
        let read = Self.read(escaped)
        // A reader gets back exactly the text (on one line, without controls).
        #expect(String(read.map(\.char)) == Self.oneLine(text), "\(seed): \(escaped.debugDescription)")
        #expect(!escaped.contains("\n") && !escaped.unicodeScalars.contains { HostileText.isTerminalControl($0) })
        for (i, item) in read.enumerated() where !item.literal {
            let next = i + 1 < read.count ? read[i + 1].char : nil
            switch item.char {
            case "`", "*", "[", "|", "~":
                Issue.record("\(seed): an active '\(item.char)' in \(escaped.debugDescription)")
            case "<" where next.map { ($0.isASCII && $0.isLetter) || "/!?".contains($0) } ?? false:
                Issue.record("\(seed): an HTML tag could open in \(escaped.debugDescription)")
            case "&" where Self.spellsEntity(read[(i + 1)...].map(\.char)):
                Issue.record("\(seed): an entity could be read in \(escaped.debugDescription)")
            default:
                break
            }
        }
        // No block can open at the start of a list item holding the value.
        let start = read.drop { $0.char == " " && !$0.literal }
        if let first = start.first, !first.literal {
            let after = start.dropFirst().first?.char
            let opens =
                first.char == ">" || ("#-+".contains(first.char) && (after == nil || after == " "))
            #expect(!opens, "\(seed): \(escaped.debugDescription)")
        }
    }

    /// Whether the characters after an `&` spell an entity reference (`lt;`, `#60;`, `#x3c;`).
    static func spellsEntity(_ rest: [Character]) -> Bool {
        guard let end = rest.prefix(33).firstIndex(of: ";"), end > 0 else { return false }
        let name = String(rest[..<end])
        return name.range(of: "^([A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+)$", options: .regularExpression) != nil
    }

    @Test(arguments: 0..<300)
    func plainTextInAnyScriptIsLeftAlone(seed: Int) {
        var gen = HostileText(seed: UInt64(seed) &+ 70_000)
        let name = gen.ordinaryName()
        #expect(markdown.escapeText(name) == name, "\(seed)")
    }

    @Test(arguments: [
        ("Plumbing & Heating", "Plumbing & Heating"), ("{{#x}} and {{/x}}", "{{#x}} and {{/x}}"),
        ("a < b, c > d", "a < b, c > d"), ("#1 in town", "#1 in town"), ("3.5 hours", "3.5 hours"),
        ("C:\\Users", "C:\\Users"), ("snake_case", "snake_case"), ("O'Brien (Ltd.)", "O'Brien (Ltd.)"),
        ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"), ("&lt;b&gt;", "\\&lt;b\\&gt;"),
        ("*bold* _it_", "\\*bold\\* \\_it\\_"), ("[x](http://e)", "\\[x](http://e)"), ("a|b", "a\\|b"),
        ("# Heading", "\\# Heading"), ("- item", "\\- item"), ("1. first", "1\\. first"), ("> quote", "\\> quote"),
        ("Acme #", "Acme \\#"), ("line\nbreak", "line break"), ("x\u{1B}[2Jy", "x\\[2Jy"), ("end\\", "end\\\\"),
    ])
    func escapesOnlyWhatMarkdownWouldReadAsMarkup(text: String, expected: String) {
        #expect(markdown.escapeText(text) == expected)
    }

    @Test(arguments: 0..<30)
    func aReportWithPeoplesTextReadsAsPlainText(seed: Int) throws {
        var gen = HostileText(seed: UInt64(seed) &+ 80_000)
        let name = gen.ordinaryName()
        let note = gen.string(hostileShare: 30)
        let input = try ReportFixtures.input("dental-clinic", name: name, notes: [note])
        let report = try ReportFixtures.render(input, .md)
        #expect(report.contains(name), "\(seed): \(name)")
        #expect(!report.contains("{{\\#") && !report.contains("{{\\/"))
        #expect(!report.unicodeScalars.contains { HostileText.isTerminalControl($0) })
        #expect(report.range(of: #"(?<!\\)&lt;"#, options: .regularExpression) == nil)
    }
}
