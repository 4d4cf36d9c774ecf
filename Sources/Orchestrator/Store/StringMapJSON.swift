/// JSON text for the string maps the runtime stores (action payloads, handoff notes, case
/// contexts): keys sorted, so the same map always gives the same bytes. Written by hand, on
/// UTF-8 bytes, because the engine writes several per event and Foundation's general encoders
/// dominated its profile. Public for the intake's answers.
public enum StringMapJSON {
    /// `{"a":"1","b":"2"}` with keys in sorted order.
    public static func encode(_ map: [String: String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        appendObject(map, to: &out) { appendQuoted($0, to: &$1) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A map of maps, both levels with sorted keys.
    package static func encode(_ nested: [String: [String: String]]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        appendObject(nested, to: &out) { inner, out in appendObject(inner, to: &out) { appendQuoted($0, to: &$1) } }
        return String(decoding: out, as: UTF8.self)
    }

    /// `{` then each `"key":value` in key order, the value written by `appendValue`, then `}`.
    private static func appendObject<Value>(
        _ map: [String: Value], to out: inout [UInt8], _ appendValue: (Value, inout [UInt8]) -> Void
    ) {
        out.append(UInt8(ascii: "{"))
        for (index, key) in map.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendQuoted(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(map[key]!, &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; the rest as is.
    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most values need no escape: copied whole, after one scan.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
