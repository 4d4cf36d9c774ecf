/// JSON text for the string maps the runtime stores (action payloads, handoff notes, case
/// contexts): keys sorted, so the same map always gives the same bytes. Written by hand, on
/// UTF-8 bytes, because the engine writes several per event and Foundation's general encoders
/// dominated its profile. Public for the intake's answers.
public enum StringMapJSON {
    /// `{"a":"1","b":"2"}` with keys in sorted order.
    public static func encode(_ map: [String: String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        appendObject(map, to: &out) { appendQuoted($1, to: &$2) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A map of maps, both levels with sorted keys. An inner map whose text is in `encoded`
    /// under its key (this encoder's text of that same map, made earlier) is written as that text.
    package static func encode(_ nested: [String: [String: String]], encoded: [String: String] = [:]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        appendObject(nested, to: &out) { key, inner, out in
            if var text = encoded[key] {
                text.withUTF8 { out.append(contentsOf: $0) }
            } else {
                appendObject(inner, to: &out) { appendQuoted($1, to: &$2) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `{` then each `"key":value` in key order, the value written by `appendValue`, then `}`.
    private static func appendObject<Value>(
        _ map: [String: Value], to out: inout [UInt8], _ appendValue: (String, Value, inout [UInt8]) -> Void
    ) {
        out.append(UInt8(ascii: "{"))
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(key, map[key]!, &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON string literal: quotes, backslashes and control characters escaped; the rest as is.
    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Copied in runs between the bytes that need an escape (most values have none).
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                appendEscaped(byte, to: &out)
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `byte` (a quote, a backslash or a control character) as a JSON escape.
    private static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
        case 0..<0x20:
            out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        default: out.append(byte)  // a quote or a backslash
        }
    }
}
