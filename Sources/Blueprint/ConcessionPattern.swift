import Foundation

/// One way a message words a concession: a regular expression over the lowercased text, compiled
/// once, and its cue — a piece of text every match contains. Most messages contain no cue, so the
/// regular expression runs only on the few that might offer something.
struct ConcessionPattern: @unchecked Sendable {
    /// Immutable once made, and matching does not change it (NSRegularExpression is thread-safe).
    private let regex: NSRegularExpression
    private let cue: [UInt8]

    init(_ pattern: String, cue: String) {
        // The patterns are literals of ``ActionKind/concessions``: one that does not compile is a bug
        // any test of concessions catches.
        regex = try! NSRegularExpression(pattern: pattern)
        self.cue = Array(cue.utf8)
    }

    /// Whether `text` (lowercased; `utf8` its bytes, `range` its whole length in UTF-16) offers it.
    func matches(utf8: [UInt8], text: String, range: NSRange) -> Bool {
        guard Self.contains(utf8, cue) else { return false }
        return regex.firstMatch(in: text, range: range) != nil
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
