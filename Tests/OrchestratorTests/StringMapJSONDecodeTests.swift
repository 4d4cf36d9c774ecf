import BatonTestSupport
import Foundation
import Testing

@testable import Orchestrator

/// The engine reads each stored payload of strings without Foundation's parser: whatever that
/// reader returns, Foundation's parser returns too (but for U+FEFF, which Foundation drops in places),
/// and it gives up (to Foundation) on anything else.
struct StringMapJSONDecodeTests {
    /// What the engine made of a payload before: Foundation's parser, each value as text.
    static func foundation(_ json: String) -> [String: String]? {
        ((try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any])?.mapValues { "\($0)" }
    }

    static let pieces = [
        "\"", "\\", "\n", "\r\n", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "a", "Zz 9", "é", "e\u{301}", "—", "東京",
        "🙂", "/", "{}", ":", ",", "\u{2028}", "\u{200B}",
    ]

    static func text(_ random: inout SplitMix) -> String {
        (0..<Int.random(in: 0...10, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    /// 500 generated maps, written by Baton's encoder and by Foundation's (which escapes `/` and
    /// writes other escapes), with whitespace between the tokens: read back whole, as Foundation does.
    @Test func generatedMapsReadAsFoundationReadsThem() throws {
        var random = SplitMix(state: 0xDEC0_DE5)
        for _ in 0..<500 {
            var map: [String: String] = [:]
            for _ in 0..<Int.random(in: 0...6, using: &random) { map[Self.text(&random)] = Self.text(&random) }
            let ours = StringMapJSON.encode(map)
            let theirs = String(
                decoding: try JSONSerialization.data(withJSONObject: map, options: [.prettyPrinted]), as: UTF8.self)
            for json in [ours, theirs, " \n\t" + ours + "\r\n "] {
                #expect(StringMapJSON.decode(json) == map, "\(json)")
                #expect(Self.foundation(json) == map, "\(json)")
            }
        }
    }

    /// Escapes of every form, surrogate pairs among them, read as the characters they stand for.
    @Test func escapesReadAsTheCharactersTheyStandFor() {
        let json = #"{"a\u00e9\/":"\"\\\/\b\f\n\r\t\u0041\u00E9\u6771\ud83d\ude42\u0000"}"#
        #expect(StringMapJSON.decode(json) == ["aé/": "\"\\/\u{8}\u{C}\n\r\tAé東🙂\u{0}"])
        #expect(StringMapJSON.decode(json) == Self.foundation(json))
    }

    /// A zero-width no-break space (U+FEFF, a byte-order mark) is a character of the string, as JSON
    /// says: kept where Foundation's parser drops it (at the start of a string, or after an escape).
    @Test func aByteOrderMarkInAStringIsKept() {
        #expect(
            StringMapJSON.decode("{\"a\":\"\u{FEFF}x\",\"b\":\"\\n\u{FEFF}y\"}") == [
                "a": "\u{FEFF}x", "b": "\n\u{FEFF}y",
            ])
        #expect(Self.foundation("{\"a\":\"\u{FEFF}x\"}") == ["a": "x"])
    }

    /// What is not a flat object of strings is left to Foundation: numbers, nesting, a repeated key
    /// (also one written in another Unicode form of the same text), half a surrogate pair, an
    /// unescaped control character, anything after the object.
    @Test(arguments: [
        #"{"n":1}"#, #"{"b":true}"#, #"{"z":null}"#, #"{"o":{}}"#, #"{"l":[]}"#, #"{"a":"1","a":"2"}"#,
        "{\"\u{E9}\":\"1\",\"e\u{301}\":\"2\"}", #"{"s":"\ud83d"}"#, #"{"s":"\ude42x"}"#, "{\"s\":\"a\u{1}b\"}",
        #"{"s":"a"} x"#, #"{"s":"a",}"#, #"{"s" "a"}"#, #"{s:"a"}"#, #"{"s":'a'}"#, #"["a"]"#, "", "{", #"{"s":"\x"}"#,
        #"{"s":"\u12"}"#, #"{"s":"abc"#,
    ])
    func anythingElseIsLeftToFoundation(json: String) {
        #expect(StringMapJSON.decode(json) == nil)
    }

    /// 2,000 generated texts cut and mutated from valid payloads (bytes dropped, doubled, swapped
    /// for JSON's punctuation): whenever the quick reader returns a map, Foundation reads the same.
    @Test func mutatedPayloadsNeverReadOtherwiseThanFoundationReadsThem() {
        var random = SplitMix(state: 0xBAD_F00D)
        let punctuation: [UInt8] = Array(#"{}[]":,\ u0"#.utf8) + [0x0A, 0x01]
        var agreed = 0
        for _ in 0..<2000 {
            var map: [String: String] = [:]
            for _ in 0..<Int.random(in: 1...4, using: &random) { map[Self.text(&random)] = Self.text(&random) }
            var bytes = Array(StringMapJSON.encode(map).utf8)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: at)
                case 1: bytes.insert(bytes[at], at: at)
                default: bytes[at] = punctuation.randomElement(using: &random)!
                }
            }
            let json = String(decoding: bytes, as: UTF8.self)
            if let read = StringMapJSON.decode(json) {
                #expect(Self.foundation(json) == read, "\(json)")
                agreed += 1
            }
        }
        // Some mutations leave a valid payload (a doubled letter): the comparison above ran.
        #expect(agreed > 100)
    }
}
