import Crypto
import Foundation

extension RequestSignature {
    /// SHA-256 of a text in lower-case hex: what the store keeps of a body or a signature it must
    /// recognise again (an idempotency key's body, a signature already used).
    public static func digestHex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
