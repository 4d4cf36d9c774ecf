/// A text as the lead reader's patterns are screened against it: a pattern runs only on text that
/// holds one of its cues (words no match of it can be without), so a field such as `asap` is not
/// put through every pattern of times, amounts and places (each a regular expression of ICU).
///
/// The screen holds for ASCII text only, lower-cased byte by byte: ICU's case-insensitive matching
/// folds some other characters onto ASCII letters (the Kelvin sign onto `k`, the long s onto `s`,
/// `ß` onto `ss`), and its `\d` takes any script's digits, so text with any other character lets
/// every pattern run, as before.
struct LeadCues: Sendable {
    /// The text's bytes, lower case; `nil` when it is not all ASCII.
    private let bytes: [UInt8]?

    init(_ text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            guard byte < 0x80 else {
                self.bytes = nil
                return
            }
            bytes.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
        }
        self.bytes = bytes
    }

    /// Whether a pattern with `cues` may match: the text holds one of them, or is not ASCII.
    func mayMatch(_ cues: Cues) -> Bool {
        guard let bytes else { return true }
        return cues.words.contains { cue in Self.contains(bytes, cue) }
    }

    /// A plain byte search: `[UInt8]`'s `firstRange(of:)` is Foundation's generic `DataProtocol`
    /// one, which took most of the lead reader's time.
    static func contains(_ text: [UInt8], _ word: [UInt8]) -> Bool {
        guard let first = word.first else { return true }
        guard text.count >= word.count else { return false }
        return text.withUnsafeBufferPointer { text in
            word.withUnsafeBufferPointer { word in
                for start in 0...(text.count - word.count) where text[start] == first {
                    var matched = 1
                    while matched < word.count && text[start + matched] == word[matched] { matched += 1 }
                    if matched == word.count { return true }
                }
                return false
            }
        }
    }

    /// The words (lower-case ASCII) one of which every match of a pattern holds.
    struct Cues: Sendable {
        let words: [[UInt8]]
        init(_ words: [String]) { self.words = words.map { Array($0.utf8) } }
        /// Any ASCII digit.
        static let digit = Cues((0...9).map(String.init))
    }
}
