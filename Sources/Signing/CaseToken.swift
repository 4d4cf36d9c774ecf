import Crypto
import Foundation

/// The proof that a message comes from someone Baton wrote to about a case: an HMAC-SHA256 of the
/// case id with a key of the install, which Baton's own messages can put in their links (e.g.
/// `https://example.com/reply?case=lead-7&token=…`). The intake lets an outside producer name a
/// case only with its token, so knowing (or guessing) a case id is not enough to write into it.
///
/// ```swift
/// let token = CaseToken.make(caseID: "lead-7", key: key)
/// CaseToken.verify(token, caseID: "lead-7", key: key)  // true
/// ```
public enum CaseToken {
    /// The token for `caseID`: 32 lower-case hex digits (128 bits of HMAC-SHA256 over
    /// `"case:" + caseID`, keyed with `key`).
    public static func make(caseID: String, key: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("case:\(caseID)".utf8), using: SymmetricKey(data: Data(key.utf8)))
        return code.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `token` is the token of `caseID`, compared in time that depends neither on where the
    /// texts differ nor on their lengths.
    public static func verify(_ token: String, caseID: String, key: String) -> Bool {
        let x = RequestSignature.digest(token.lowercased())
        let y = RequestSignature.digest(make(caseID: caseID, key: key))
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
