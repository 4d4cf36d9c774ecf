import Foundation

/// A message's text as the concession patterns read it: lowercased as Unicode lowercases it (a
/// Kelvin sign becomes a `k`, so no cue hides behind a look-alike).
///
/// The cues are ASCII, and the only characters outside ASCII whose lowercase holds an ASCII letter
/// are the Kelvin sign (`k`) and the capital I with a dot above (`i` and a combining dot): so the
/// cues are looked for in the text with its ASCII letters and those two lowercased and every other
/// character left as it is — byte by byte, with no Unicode tables. The whole Unicode lowercasing,
/// which the regular expressions read, is made only for the rare text that holds a cue.
struct ConcessionText {
    private let original: String
    /// The text with the characters that may lowercase into a cue lowercased, in UTF-8.
    private let cueBytes: [UInt8]
    private let isASCII: Bool

    init(_ text: String) {
        original = text
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 1)
        var ascii = true
        var utf8 = text.utf8.makeIterator()
        var pending: [UInt8] = []  // a sequence that may be one of the two, until it is known
        while let byte = utf8.next() {
            if byte < 0x80 {
                bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                continue
            }
            ascii = false
            pending.append(byte)
            switch pending {
            case [0xE2], [0xE2, 0x84], [0xC4]: continue  // a prefix of either
            case [0xE2, 0x84, 0xAA]: bytes.append(UInt8(ascii: "k"))  // KELVIN SIGN
            case [0xC4, 0xB0]: bytes.append(contentsOf: [UInt8(ascii: "i"), 0xCC, 0x87])  // CAPITAL I WITH DOT ABOVE
            default: bytes.append(contentsOf: pending)
            }
            pending.removeAll(keepingCapacity: true)
        }
        bytes.append(contentsOf: pending)
        cueBytes = bytes
        isASCII = ascii
    }

    var isEmpty: Bool { cueBytes.isEmpty }

    /// The text lowercased, for the regular expressions.
    var string: String { isASCII ? String(decoding: cueBytes, as: UTF8.self) : original.lowercased() }

    /// Whether the lowercased text holds `needle`'s bytes (ASCII) in a row. Every action's text is
    /// looked through once per cue, so the first byte is found by the C library's `memchr` and the
    /// rest compared by `memcmp`, both vectorised.
    func contains(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard cueBytes.count >= needle.count else { return false }
        return cueBytes.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { needle in
                let base = haystack.baseAddress!
                let last = haystack.count - needle.count  // the last offset a match can start at
                var offset = 0
                while offset <= last {
                    guard let found = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                    offset = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(base + offset, needle.baseAddress!, needle.count) == 0 { return true }
                    offset += 1
                }
                return false
            }
        }
    }
}
