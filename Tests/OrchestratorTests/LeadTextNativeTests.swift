import BatonTestSupport
import Foundation
import Testing

@testable import Orchestrator

/// The lead reader trims and searches its text without `NSString`: the same results as
/// Foundation's, for every white space Foundation knows and whatever surrounds it.
struct LeadTextNativeTests {
    /// Every scalar Foundation's sets hold, and neighbours they do not (a zero-width joiner, a
    /// no-break space's look-alikes, combining marks, an emoji, letters).
    static let pieces: [String] = {
        let sets: [CharacterSet] = [.whitespacesAndNewlines, .whitespaces]
        let members = (0...0x3000).compactMap(Unicode.Scalar.init).filter { scalar in
            sets.contains { $0.contains(scalar) }
        }
        return members.map { String($0) } + [
            "\u{200D}", "\u{FEFF}", "\u{301}", "e\u{301}", "🙂", "a", "Zz", ",", "$", "",
        ]
    }()

    @Test func generatedTextTrimsAsFoundationTrimsIt() {
        var random = SplitMix(state: 0x7817_ED)
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in Self.pieces.randomElement(using: &random)!
            }
            .joined()
            for set: CharacterSet in [.whitespacesAndNewlines, .whitespaces, CharacterSet(charactersIn: "$ ")] {
                #expect(
                    LeadText.trimmed(text, of: set) == text.trimmingCharacters(in: set), "\(Array(text.unicodeScalars))"
                )
            }
        }
    }

    @Test func everyWhiteSpaceScalarAloneTrimsAway() {
        for scalar in (0...0x10FFFF).compactMap(Unicode.Scalar.init)
        where CharacterSet.whitespacesAndNewlines.contains(scalar) {
            let text = "\(scalar)x\(scalar)"
            #expect(LeadText.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    @Test func anASCIICharacterIsFoundWhereFoundationFindsIt() {
        var random = SplitMix(state: 0x40_1D5)
        for _ in 0..<1_000 {
            let text =
                (0..<Int.random(in: 0...6, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }
                .joined() + ["", "<", "&", "/", "-"].randomElement(using: &random)!
            // Without marks that join the character before them, the two agree; with them, what
            // Foundation finds is found.
            let joins = text.unicodeScalars.contains { $0.properties.isGraphemeExtend || $0 == "\u{200D}" }
            for character in ["<", "&", "/", "-", ","] as [Unicode.Scalar] {
                let found = text.contains(String(character))
                #expect(
                    joins
                        ? (!found || LeadText.holds(character, in: text))
                        : LeadText.holds(character, in: text) == found, "\(text)")
            }
        }
    }
}
