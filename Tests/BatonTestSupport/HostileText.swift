/// Generated text of the kind people paste: names in any script, emoji, and the characters that act
/// on whatever shows them (terminal escape sequences, BEL, NUL, C1 controls, bidi overrides).
/// Seeded, so a failure names a case that can be replayed.
public struct HostileText: Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    /// SplitMix64: small, fast, and the same sequence on every platform.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// Words people write names and notes with, in several scripts, none of them markup anywhere
    /// but at the very start of a text.
    public static let plainWords = [
        "Northside", "Plumbing", "&", "Heating", "Ltd.", "O'Brien", "Café", "Zoë", "Ørsted", "Łódź", "İstanbul",
        "مخبز", "النخيل", "שלום", "מספרה", "東京", "歯科", "医院", "北京", "서울", "치과", "दिल्ली", "सेवा",
        "ภาษาไทย", "Ελλάδα", "Москва", "ქართული", "2024", "No.7", "3.5", "#1", "50%", "$5", "C:\\Users", "a < b",
        "x > y", "snake_case", "{{#x}}", "{{/x}}", "(a)", "\"quoted\"", "e-mail", "🚀", "👩‍👩‍👧", "🇨🇦", "🔥", "1️⃣",
        "e\u{301}", "\u{200E}", "\u{200F}", "\u{00A0}",
    ]

    /// Words Markdown or HTML would act on.
    public static let markupWords = [
        "*star*", "_under_", "[link](http://x)", "![img](http://x)", "`code`", "~~strike~~", "|pipe|", "&lt;",
        "&#60;", "&amp;", "<b>", "</p>", "<!-- c -->", "<http://x>", "1.", "- item", "> quote", "#", "## h",
    ]

    public static let words = plainWords + markupWords

    /// What a terminal or a file format would act on.
    public static let hostile = [
        "\u{1B}[2J", "\u{1B}[H", "\u{1B}]0;owned\u{07}", "\u{1B}]8;;http://evil\u{1B}\\", "\u{1B}[31m", "\u{1B}c",
        "\u{07}", "\u{00}", "\u{08}", "\u{7F}", "\u{9B}31m", "\u{85}", "\u{90}", "\u{9D}", "\u{1B}", "\u{0C}",
        "\u{0B}", "\r", "\n", "\r\n", "\t", "\u{2028}", "\u{2029}", "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}",
        "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}", "\u{FFFE}", "\u{FFFF}",
    ]

    /// The scalars a terminal would obey: C0 (less line feed and tab), DEL, C1 and the bidi controls.
    public static func isTerminalControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// A string of 1 to 8 pieces, each a word or (with `hostileShare` percent chance) something hostile.
    public mutating func string(hostileShare: Int = 40) -> String {
        (0..<int(1...8)).map { _ in int(1...100) <= hostileShare ? pick(Self.hostile) : pick(Self.words) }
            .joined(separator: pick(["", " ", " ", " "]))
    }

    /// A name people really write: words in any script, with or without emoji, no markup.
    public mutating func ordinaryName() -> String {
        (0..<int(1...4)).map { _ in pick(Self.plainWords) }.joined(separator: " ")
    }
}
