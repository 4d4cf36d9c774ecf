import Foundation
import Hashing

/// A SHA-256 digest written `sha256:` and 64 lower-case hex digits: the fingerprint of an
/// assessment's answers in a blueprint, and the seal of a KPI snapshot (any edit after export
/// changes it).
public enum ContentDigest {
    /// The digest of `data`.
    public static func sha256(_ data: Data) -> String {
        "sha256:" + SHA256.hash(Array(data)).map { String(format: "%02x", $0) }.joined()
    }

    /// The digest of `text`'s UTF-8 bytes.
    public static func sha256(_ text: String) -> String {
        sha256(Data(text.utf8))
    }
}
