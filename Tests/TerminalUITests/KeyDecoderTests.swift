import Testing

@testable import TerminalUI

struct KeyDecoderTests {
    @Test(
        arguments: [
            ([0x1B, 0x5B, 0x41], [Key.up]),
            ([0x1B, 0x5B, 0x42], [.down]),
            ([0x1B, 0x5B, 0x44], [.left]),
            ([0x1B, 0x5B, 0x43], [.right]),
            ([0x1B, 0x4F, 0x41], [.up]),
            ([0x1B, 0x5B, 0x5A], [.backTab]),
            ([0x0D], [.enter]),
            ([0x20], [.space]),
            ([0x7F], [.backspace]),
            ([0x03], [.ctrlC]),
            ([0x6A, 0x6B], [.character("j"), .character("k")]),
            ([0xC3, 0xA9], [.character("é")]),
            ([0x1B, 0x5B, 0x33, 0x7E, 0x61], [.escape, .character("a")]),
        ] as [([UInt8], [Key])])
    func decodesSequences(bytes: [UInt8], keys: [Key]) {
        var decoder = KeyDecoder()
        #expect(decoder.feed(bytes) == keys)
    }

    @Test func waitsForTheRestOfASplitSequence() {
        var decoder = KeyDecoder()
        #expect(decoder.feed([0x1B]) == [])
        #expect(decoder.feed([0x5B]) == [])
        #expect(decoder.feed([0x41]) == [.up])
        #expect(decoder.feed([0xE2, 0x82]) == [])
        #expect(decoder.feed([0xAC]) == [.character("€")])
    }

    @Test func aLoneEscapeIsTheEscapeKey() {
        var decoder = KeyDecoder()
        #expect(decoder.feed([0x1B]) == [])
        #expect(decoder.flush() == [.escape])
    }
}
