/// The decoders of MIME's transfer encodings (RFC 2045 §6) and of RFC 2231's percent-encoding:
/// lenient, as a reader must be, and never trapping on hostile input.
enum TransferEncoding {
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        // The URL-safe alphabet, which some senders use.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Base64 decoded, line breaks and spaces skipped, up to the first `=`; `clean` is false when
    /// other characters were skipped too (invalid base64). Trailing bits of a last lone character are dropped.
    static func base64(_ text: some Collection<UInt8>) -> (bytes: [UInt8], clean: Bool) {
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 4 * 3 + 3)
        var group: UInt32 = 0
        var count = 0
        var clean = true
        for byte in text {
            if byte == UInt8(ascii: "=") { break }
            let value = base64Values[Int(byte)]
            if value == 0xFF {
                if !(byte == 10 || byte == 13 || byte == 32 || byte == 9) { clean = false }
                continue
            }
            group = group << 6 | UInt32(value)
            count += 1
            if count == 4 {
                out.append(UInt8(truncatingIfNeeded: group >> 16))
                out.append(UInt8(truncatingIfNeeded: group >> 8))
                out.append(UInt8(truncatingIfNeeded: group))
                group = 0
                count = 0
            }
        }
        switch count {
        case 2: out.append(UInt8(truncatingIfNeeded: group >> 4))
        case 3:
            out.append(UInt8(truncatingIfNeeded: group >> 10))
            out.append(UInt8(truncatingIfNeeded: group >> 2))
        case 1: clean = false
        default: break
        }
        return (out, clean)
    }

    /// Quoted-printable decoded: `=XX` a byte, `=` at a line's end a soft break, spaces before a line
    /// break dropped; a malformed `=` kept as written. With `underscoreIsSpace`, RFC 2047's `Q`.
    static func quotedPrintable(_ text: some Collection<UInt8>, underscoreIsSpace: Bool = false) -> [UInt8] {
        let bytes = Array(text)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        var spaces = 0  // spaces and tabs held back: dropped if a line break follows
        func flushSpaces(upTo end: Int) {
            if spaces > 0 { out.append(contentsOf: bytes[(end - spaces)..<end]) }
            spaces = 0
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 32 || byte == 9 {
                spaces += 1
                index += 1
                continue
            }
            if byte == 13 || byte == 10 {
                spaces = 0
                out.append(byte)
                index += 1
                continue
            }
            flushSpaces(upTo: index)
            if byte == UInt8(ascii: "=") {
                // A soft line break: `=`, optional spaces, then CRLF or LF (or the end).
                var after = index + 1
                while after < bytes.count, bytes[after] == 32 || bytes[after] == 9 { after += 1 }
                if after == bytes.count {
                    index = after
                    continue
                }
                if bytes[after] == 10 || bytes[after] == 13 {
                    if bytes[after] == 13, after + 1 < bytes.count, bytes[after + 1] == 10 { after += 1 }
                    index = after + 1
                    continue
                }
                if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
                out.append(byte)
                index += 1
                continue
            }
            out.append(underscoreIsSpace && byte == UInt8(ascii: "_") ? 32 : byte)
            index += 1
        }
        flushSpaces(upTo: index)
        return out
    }

    /// RFC 2231's `%XX` decoded; a malformed `%` kept.
    static func percentDecoded(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hex(bytes[index + 1]),
                let low = hex(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return out
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// Text in the charsets mail arrives in: UTF-8, US-ASCII, ISO-8859-1 and -15, Windows-1252; any
/// other read as UTF-8 when it is valid UTF-8, else as Windows-1252, with a note saying so.
enum Charset {
    /// `bytes` as text in `charset` (nil: US-ASCII, which is read as UTF-8 is), and a note when the
    /// reading was a guess.
    static func decode(_ bytes: [UInt8], charset: String?) -> (text: String, note: String?) {
        let label = (charset ?? "us-ascii").trimmed.lowercased().replacingUnderscores
        switch label {
        case "utf-8", "utf8", "unicode-1-1-utf-8":
            if let text = String(validating: bytes, as: UTF8.self) { return (text, nil) }
            return (String(decoding: bytes, as: UTF8.self), "a part is not valid UTF-8: invalid bytes read as U+FFFD")
        case "us-ascii", "ascii", "ansi-x3.4-1968", "iso646-us", "":
            if bytes.allSatisfy({ $0 < 0x80 }) { return (String(decoding: bytes, as: UTF8.self), nil) }
            return bestEffort(bytes, "a part labelled US-ASCII holds 8-bit bytes")
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819", "iso-ir-100",
            "windows-1252", "cp1252", "x-cp1252":
            // As browsers do (WHATWG Encoding): ISO-8859-1 labels are read as Windows-1252.
            return (windows1252(bytes), nil)
        case "iso-8859-15", "iso8859-15", "latin-9", "latin9", "l9", "iso-ir-203":
            return (latin9(bytes), nil)
        default:
            return bestEffort(bytes, "unknown charset '\(label.prefix(40))'")
        }
    }

    private static func bestEffort(_ bytes: [UInt8], _ why: String) -> (String, String?) {
        if let text = String(validating: bytes, as: UTF8.self) { return (text, "\(why): read as UTF-8") }
        return (windows1252(bytes), "\(why): read as Windows-1252")
    }

    /// Windows-1252's 0x80–0x9F (five unassigned bytes kept as the C1 controls of the same value).
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160, 0x2039, 0x152, 0x8D, 0x17D,
        0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D,
        0x17E, 0x178,
    ]

    static func windows1252(_ bytes: some Sequence<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = byte >= 0x80 && byte <= 0x9F ? windows1252High[Int(byte - 0x80)] : UInt32(byte)
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    /// ISO-8859-15: ISO-8859-1 with eight letters and the euro sign in place of other symbols.
    static func latin9(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value: UInt32
            switch byte {
            case 0xA4: value = 0x20AC
            case 0xA6: value = 0x160
            case 0xA8: value = 0x161
            case 0xB4: value = 0x17D
            case 0xB8: value = 0x17E
            case 0xBC: value = 0x152
            case 0xBD: value = 0x153
            case 0xBE: value = 0x178
            default: value = UInt32(byte)
            }
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }
}

extension String {
    fileprivate var replacingUnderscores: String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
