import Crypto
import Foundation

/// The token of a link Baton sends about a case that a person opens without signing in (the
/// booking page: `PUBLIC_URL/book/TOKEN`): it names the case, is good for one purpose only and
/// until a time, and nobody without the install's key can make one, read the case out of one, or
/// change one. Unlike ``CaseToken`` (an HMAC beside a case id the producer already knows), the
/// link carries nothing else, so the token holds the case id itself, sealed.
///
/// A token is base64url (no padding) of `version(1) ‖ expiry(4, big-endian Unix seconds) ‖
/// ChaChaPoly box (12-byte nonce ‖ case id ‖ 16-byte tag)`. The sealing key is derived from the
/// install's key with HKDF-SHA256 for the purpose (`info: "seal:" + purpose`), and the version,
/// the expiry and the purpose are authenticated with the box: a token of one purpose does not open
/// as another, an expiry moved by a byte does not open, and a booking token is never an intake
/// ``CaseToken`` (32 hex digits of another MAC). The nonce is an HMAC of the expiry and the case
/// id under a second derived key (a synthetic IV), so the same case and expiry give the same token:
/// a message made twice from the same inputs is the same message.
///
/// ```swift
/// let token = LinkToken.make(caseID: "lead-7", purpose: .booking, expires: later, key: key)
/// LinkToken.open(token, purpose: .booking, key: key, now: now)  // .success("lead-7")
/// ```
public enum LinkToken {
    /// What a token lets its holder do; a token opens only for the purpose it was made for.
    public struct Purpose: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The booking page: see the offered times and pick one.
        public static let booking = Purpose("booking")
    }

    /// Why a token does not open.
    public enum Refusal: Error, Sendable, Equatable {
        /// Not a token of this install and purpose (made up, changed, cut, or another kind).
        case invalid
        /// A genuine token whose time is over.
        case expired
    }

    /// Tokens longer than this are refused unread (a case id is short; this bounds the work one
    /// request can ask for).
    public static let maxLength = 400

    static let version: UInt8 = 1

    /// The token naming `caseID` for `purpose` until `expires` (whole seconds, at most 2106).
    public static func make(caseID: String, purpose: Purpose, expires: Date, key: String) -> String {
        let header = header(expires)
        let keys = Keys(key, purpose)
        let nonceBytes = HMAC<SHA256>.authenticationCode(for: header + Data(caseID.utf8), using: keys.nonce)
        // 12 bytes of an HMAC are a valid nonce: the initializer cannot fail on them.
        let nonce = try! ChaChaPoly.Nonce(data: Data(nonceBytes.prefix(12)))
        let box = try! ChaChaPoly.seal(
            Data(caseID.utf8), using: keys.seal, nonce: nonce, authenticating: header + Data(purpose.name.utf8))
        return base64URL(header + box.combined)
    }

    /// The case `token` names, if it is a genuine token for `purpose` that has not expired at `now`.
    public static func open(_ token: String, purpose: Purpose, key: String, now: Date) -> Result<String, Refusal> {
        guard token.utf8.count <= maxLength, let bytes = fromBase64URL(token), bytes.count >= 5 + 12 + 16,
            bytes.first == version
        else { return .failure(.invalid) }
        let header = bytes.prefix(5)
        let keys = Keys(key, purpose)
        guard let box = try? ChaChaPoly.SealedBox(combined: bytes.dropFirst(5)),
            let opened = try? ChaChaPoly.open(box, using: keys.seal, authenticating: header + Data(purpose.name.utf8)),
            let caseID = String(data: opened, encoding: .utf8)
        else { return .failure(.invalid) }
        // Only a genuine token says it expired: a made-up one is just invalid.
        let expiry = header.dropFirst().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard now.timeIntervalSince1970 < Double(expiry) else { return .failure(.expired) }
        return .success(caseID)
    }

    /// The version byte and the expiry.
    static func header(_ expires: Date) -> Data {
        let seconds = UInt32(clamping: Int64(max(0, expires.timeIntervalSince1970.rounded(.down))))
        return Data([
            version, UInt8(seconds >> 24), UInt8(seconds >> 16 & 0xFF), UInt8(seconds >> 8 & 0xFF),
            UInt8(seconds & 0xFF),
        ])
    }

    /// The purpose's two keys, derived from the install's key: one seals, one makes nonces.
    struct Keys {
        let seal: SymmetricKey
        let nonce: SymmetricKey

        init(_ key: String, _ purpose: Purpose) {
            let material = SymmetricKey(data: Data(key.utf8))
            let salt = Data("baton link token v1".utf8)
            seal = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: material, salt: salt, info: Data("seal:\(purpose.name)".utf8), outputByteCount: 32)
            nonce = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: material, salt: salt, info: Data("nonce:\(purpose.name)".utf8), outputByteCount: 32)
        }
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Strict base64url: only its alphabet, no padding, no length base64 cannot make.
    static func fromBase64URL(_ text: String) -> Data? {
        guard text.utf8.count % 4 != 1,
            text.utf8.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") })
        else { return nil }
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        // One spelling per token: a last character whose unused bits differ is another token.
        guard let data = Data(base64Encoded: standard), base64URL(data) == text else { return nil }
        return data
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }
}
