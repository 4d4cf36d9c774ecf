import BatonTestSupport
import Foundation
import Testing

@testable import Signing

/// The booking link's token over hundreds of generated case ids: it opens only for its own case,
/// purpose and key, until its time; a changed, cut or lengthened token, another purpose's token, an
/// intake case token and made-up text are all refused as invalid, and only a genuine one says it
/// expired.
struct LinkTokenTests {
    static let key = "install-1:" + String(repeating: "ab", count: 32)
    static let now = Date(timeIntervalSince1970: 1_772_000_000)  // February 2026
    static let later = now.addingTimeInterval(14 * 86_400)

    /// Case ids as the intake, `baton event send` and hostile producers make them.
    static func caseIDs(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix(seed: seed)
        let alphabets = [
            Array("abcdefghijklmnopqrstuvwxyz0123456789-"), Array("ÄéñßЖ中文🙂 \t\"'<>&/?#%:.=+"),
        ]
        var ids = ["case-1a2b3c4d", "lead-1", "lead-10", "a", "", "x" + String(repeating: "y", count: 199)]
        while ids.count < count {
            let alphabet = random.pick(alphabets)
            let length = 1 + random.below(random.chance(10) ? 60 : 24)
            ids.append(String((0..<length).map { _ in random.pick(alphabet) }))
        }
        return ids
    }

    @Test func aTokenOpensForItsOwnCaseAndPurposeOnly() {
        let ids = Self.caseIDs(count: 400, seed: 14)
        var tokens: Set<String> = []
        for id in ids {
            let token = LinkToken.make(caseID: id, purpose: .booking, expires: Self.later, key: Self.key)
            tokens.insert(token)
            #expect(
                token.utf8.allSatisfy {
                    $0 < 128 && Character(UnicodeScalar($0)).isLetter || "0123456789-_".utf8.contains($0)
                })
            #expect(LinkToken.open(token, purpose: .booking, key: Self.key, now: Self.now) == .success(id), "\(id)")
            // The same inputs, the same token: a reply made twice is the same reply.
            #expect(LinkToken.make(caseID: id, purpose: .booking, expires: Self.later, key: Self.key) == token)
            // Another purpose, another install's key: nothing.
            #expect(
                LinkToken.open(token, purpose: .init("unsubscribe"), key: Self.key, now: Self.now) == .failure(.invalid)
            )
            #expect(LinkToken.open(token, purpose: .booking, key: Self.key + "x", now: Self.now) == .failure(.invalid))
            // The case id is not readable in the token.
            if id.utf8.count >= 6 { #expect(!token.contains(id)) }
            // Neither is it an intake case token, nor does an intake token open as a booking.
            #expect(!CaseToken.verify(token, caseID: id, key: Self.key))
            let intake = CaseToken.make(caseID: id, key: Self.key)
            #expect(LinkToken.open(intake, purpose: .booking, key: Self.key, now: Self.now) == .failure(.invalid))
        }
        #expect(tokens.count == Set(ids).count)
    }

    @Test func anyChangeToATokenIsRefused() {
        var random = SplitMix(seed: 7)
        for id in Self.caseIDs(count: 300, seed: 15) {
            let token = LinkToken.make(caseID: id, purpose: .booking, expires: Self.later, key: Self.key)
            var bytes = Array(token.utf8)
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
            let index = random.below(bytes.count)
            var replacement = random.pick(alphabet)
            while replacement == bytes[index] { replacement = random.pick(alphabet) }
            bytes[index] = replacement
            let changed = String(decoding: bytes, as: UTF8.self)
            let cut = String(token.dropLast(1 + random.below(min(8, token.count - 1))))
            let longer = token + String(UnicodeScalar(random.pick(alphabet)))
            for bad in [changed, cut, longer, token + "=", token.uppercased(), " " + token, token + "/", ""] {
                // Open far before expiry, so that only a genuine token could pass.
                #expect(
                    LinkToken.open(bad, purpose: .booking, key: Self.key, now: Self.now) == .failure(.invalid), "\(bad)"
                )
            }
        }
    }

    @Test func aTokenExpiresAtItsTimeAndOnlyAGenuineOneSaysSo() {
        for id in Self.caseIDs(count: 200, seed: 16) {
            let token = LinkToken.make(caseID: id, purpose: .booking, expires: Self.later, key: Self.key)
            #expect(
                LinkToken.open(token, purpose: .booking, key: Self.key, now: Self.later.addingTimeInterval(-1))
                    == .success(id))
            #expect(LinkToken.open(token, purpose: .booking, key: Self.key, now: Self.later) == .failure(.expired))
            #expect(LinkToken.open(token, purpose: .booking, key: "other", now: Self.later) == .failure(.invalid))
        }
    }

    @Test func madeUpAndOverlongTextIsRefusedUnread() {
        var random = SplitMix(seed: 17)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_%./\u{0}é".unicodeScalars)
        for _ in 0..<500 {
            let length = random.below(random.chance(10) ? 2000 : 120)
            let text = String(String.UnicodeScalarView((0..<length).map { _ in random.pick(alphabet) }))
            #expect(LinkToken.open(text, purpose: .booking, key: Self.key, now: Self.now) == .failure(.invalid))
        }
        let long = LinkToken.make(
            caseID: String(repeating: "z", count: 400), purpose: .booking, expires: Self.later, key: Self.key)
        #expect(long.utf8.count > LinkToken.maxLength)
        #expect(LinkToken.open(long, purpose: .booking, key: Self.key, now: Self.now) == .failure(.invalid))
    }
}
