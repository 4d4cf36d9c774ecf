import Foundation

/// A command as the client writes it: text, and strings that must go as literals (`{n}` then the
/// bytes, once the server says `+`, or at once with LITERAL+).
enum IMAPCommandPart: Sendable, Equatable {
    case text(String)
    case literal([UInt8])
}

/// How strings go into a command (RFC 3501 §4.3, §5.1.3): quoted when they can be, else a
/// literal; mailbox names in modified UTF-7.
enum IMAPCommandText {
    /// `text` as one IMAP string: quoted (`"` and `\` escaped) when it is printable ASCII, else a
    /// literal. Throws for a NUL, which no IMAP4rev1 string can hold.
    static func string(_ text: String, what: String) throws -> IMAPCommandPart {
        let bytes = Array(text.utf8)
        guard !bytes.contains(0) else {
            throw IMAPError.unsupported("the \(what) holds a NUL character, which IMAP cannot send")
        }
        if bytes.count <= 1000, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            var quoted = "\""
            for character in text {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return .text(quoted + "\"")
        }
        return .literal(bytes)
    }

    /// A mailbox name in modified UTF-7 (RFC 3501 §5.1.3): printable ASCII as itself (`&` as `&-`),
    /// anything else as `&` + base64 of its UTF-16 with `,` for `/` + `-`.
    static func mailboxName(_ name: String) -> String {
        var result = ""
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            let bytes = pending.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            let encoded = Data(bytes).base64EncodedString().replacingOccurrences(of: "/", with: ",")
            result += "&" + encoded.replacingOccurrences(of: "=", with: "") + "-"
            pending = []
        }
        for scalar in name.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                flush()
                result += scalar == "&" ? "&-" : String(scalar)
            } else {
                pending.append(contentsOf: Array(String(scalar).utf16))
            }
        }
        flush()
        return result
    }

    /// UIDs as a compact IMAP sequence set: `3,5:9,12`.
    static func set(_ uids: [UInt32]) -> String {
        var ranges: [(UInt32, UInt32)] = []
        for uid in Set(uids).sorted() {
            if let last = ranges.last, last.1 &+ 1 == uid {
                ranges[ranges.count - 1].1 = uid
            } else {
                ranges.append((uid, uid))
            }
        }
        return ranges.map { $0 == $1 ? "\($0)" : "\($0):\($1)" }.joined(separator: ",")
    }
}
