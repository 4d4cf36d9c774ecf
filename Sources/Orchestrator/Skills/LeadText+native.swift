import Foundation

extension LeadText {
    /// `text` without the white space and line ends at either end, exactly as Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` (its set, its scalars) but without a trip
    /// through `NSString` and back: the lead reader trims each field it reads, and that trip was a
    /// few per cent of a lead's CPU. Text with nothing to trim comes back as it is.
    static func trimmed(_ text: String, of set: CharacterSet = .whitespacesAndNewlines) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !set.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !set.contains($0) })!
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// Whether `text` holds the byte of the ASCII character `character`, whatever follows it (the
    /// standard library's search over the bytes, not Foundation's over an `NSString`). Foundation's
    /// `contains` compares characters, and by its own rules a combining mark or a joiner after
    /// the character hides it; where it finds the character, this does too.
    static func holds(_ character: Unicode.Scalar, in text: String) -> Bool {
        text.utf8.contains(UInt8(character.value))
    }
}
