/// Generated time strings an attacker (or a careless form) might send where a time is expected:
/// RFC 3339 with every part pushed out of range, other formats, other digits, control characters,
/// huge and tiny years, and random damage. Seeded, so a failing case can be replayed.
public struct HostileDates: Sendable {
    var random: HostileText

    public init(seed: UInt64) { random = HostileText(seed: seed) }

    /// Classics first, then generated ones.
    public static let classics = [
        "", "now", "tomorrow", "9999-12-31T23:00:00Z", "10000-01-01T00:00:00Z", "99999-01-01T00:00:00Z",
        "+275760-09-13T00:00:00Z", "-0001-01-01T00:00:00Z", "0000-00-00T00:00:00Z", "1970-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", "2026-02-29T10:00:00Z", "2028-02-29T10:00:00Z",
        "2026-02-30T10:00:00Z", "2026-03-02T24:00:00Z", "2026-03-02T10:60:00Z", "2026-03-02T10:00:60Z",
        "2026-03-02T10:00:00+24:00", "2026-03-02T10:00:00", "2026-03-02", "2026-03-02 10:00:00Z",
        "2026-03-02T10:00:00.Z", "2026-03-02T10:00:00.1234567890123Z", "1e300", "NaN", "-1", "0",
        "2026-03-02T10:00:00Z\u{0}", "２０２６-03-02T10:00:00Z", "٢٠٢٦-03-02T10:00:00Z", "2026-03-02T10:00:00Z\n",
        " 2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z'; DROP TABLE event; --",
        String(repeating: "2026-03-02T10:00:00Z", count: 200),
    ]

    /// The next string.
    public mutating func next() -> String {
        // A third are good times (in range, 2000 to 2035), so both answers are exercised.
        if random.int(0...2) == 0 {
            let offset = random.pick(["Z", "+00:00", "-07:00", "+05:30", "+0530", "z"])
            let fraction = random.pick(["", ".5", ".123"])
            return
                "\(random.int(2000...2035))-\(two(1...12))-\(two(1...28))T\(two(0...23)):\(two(0...59)):\(two(0...59))"
                + fraction + offset
        }
        var text = base()
        for _ in 0..<random.int(0...3) { text = damage(text) }
        return text
    }

    private mutating func two(_ range: ClosedRange<Int>) -> String {
        let n = random.int(range)
        return n < 10 ? "0\(n)" : "\(n)"
    }

    private mutating func base() -> String {
        let year = random.pick([
            "1999", "2000", "2026", "2027", "2035", "2036", "2037", "2100", "9999", "0000", "10000", "99999", "-2026",
            String(random.int(1000...9999)), "\(random.int(0...99))",
        ])
        let date = "\(year)-\(two(0...13))-\(two(0...32))"
        if random.int(0...9) == 0 { return date }
        let separator = random.pick(["T", "T", "T", "t", " ", "_", ""])
        let time = "\(two(0...25)):\(two(0...61)):\(two(0...61))"
        let fraction = random.pick(["", "", "", ".5", ".250", ".123456789", ".1234567890123", "."])
        let offset = random.pick([
            "Z", "Z", "z", "+00:00", "-07:00", "+05:30", "+0530", "-23:59", "+24:00", "+99:99", "+5", "", " UTC", "GMT",
        ])
        return date + separator + time + fraction + offset
    }

    private mutating func damage(_ text: String) -> String {
        var characters = Array(text)
        let hostile: [Character] = [
            "\u{0}", "\n", "\r", "'", "\"", "\\", "%", "\u{202E}", "２", "٣", "-", "+", ":", "T", "Z", "9", "0", " ",
        ]
        switch random.int(0...5) {
        case 0 where !characters.isEmpty:
            characters[random.int(0...(characters.count - 1))] = random.pick(hostile)
        case 1: characters.insert(random.pick(hostile), at: random.int(0...characters.count))
        case 2 where !characters.isEmpty: characters.remove(at: random.int(0...(characters.count - 1)))
        case 3: characters = Array(characters.prefix(random.int(0...characters.count)))
        case 4: characters += characters
        default: characters = Array(String(characters).uppercased())
        }
        return String(characters)
    }
}
