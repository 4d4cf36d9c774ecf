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

    /// Whether the text offers it.
    func matches(_ text: ConcessionText) -> Bool {
        guard text.contains(cue) else { return false }
        let string = text.string
        return regex.firstMatch(in: string, range: NSRange(location: 0, length: (string as NSString).length)) != nil
    }
}
