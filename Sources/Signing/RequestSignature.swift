import Crypto
import Foundation

/// Signs a request body the way Baton's intake checks it and its webhooks send it:
/// `X-Baton-Signature: t=UNIX-SECONDS,v1=HEX`, HEX being HMAC-SHA256 with the shared secret over
/// `"t." + body`.
public enum RequestSignature {
    public static func hex(secret: String, timestamp: String, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// SHA-256 of a text (for comparisons whose time must not depend on the text).
    public static func digest(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(text.utf8)))
    }

    /// The header's value for `body` at `date`.
    public static func header(secret: String, body: Data, at date: Date) -> String {
        let stamp = String(Int(date.timeIntervalSince1970))
        return "t=\(stamp),v1=\(hex(secret: secret, timestamp: stamp, body: body))"
    }
}
