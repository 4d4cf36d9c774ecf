/// A message's text, lowercased, as the concession patterns read it. Text in ASCII (most
/// messages) is lowercased byte by byte; any other text as Unicode lowercases it (a Kelvin sign
/// becomes a `k`, so no cue hides behind a look-alike).
struct ConcessionText {
    private let bytes: [UInt8]

    init(_ text: String) {
        var bytes = Array(text.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            for i in bytes.indices where bytes[i] >= 0x41 && bytes[i] <= 0x5A { bytes[i] += 0x20 }
        } else {
            bytes = Array(text.lowercased().utf8)
        }
        self.bytes = bytes
    }

    var isEmpty: Bool { bytes.isEmpty }
    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether the text holds `needle`'s bytes in a row.
    func contains(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard bytes.count >= needle.count else { return false }
        var i = 0
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == first && bytes[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
