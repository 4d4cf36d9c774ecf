extension StringMapJSON {
    /// The map in `json` when it is an object whose values are all strings, each key once (as
    /// Swift compares strings); `nil` for anything else (a number, a nested value, a repeated key,
    /// text that is not JSON), which the caller reads with Foundation's parser. What it returns is
    /// what that parser would, but for U+FEFF (a byte-order mark), which this reader keeps as the
    /// character of the string JSON says it is and Foundation drops at the start of a string or
    /// after an escape. The stored payloads Baton writes are of this kind, and the engine reads one
    /// for every event it takes on.
    package static func decode(_ json: String) -> [String: String]? {
        var json = json
        return json.withUTF8 { bytes in
            var reader = FlatObjectReader(bytes: bytes)
            return reader.object()
        }
    }
}

/// Reads a flat JSON object of strings from UTF-8 bytes (RFC 8259), giving up at anything else.
private struct FlatObjectReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at = 0

    mutating func object() -> [String: String]? {
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return nil }
        var map: [String: String] = [:]
        skipSpace()
        if take(UInt8(ascii: "}")) { return atEnd() ? map : nil }
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            guard let value = string(), map.updateValue(value, forKey: key) == nil else { return nil }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "}")) else { return nil }
            return atEnd() ? map : nil
        }
    }

    private mutating func atEnd() -> Bool {
        skipSpace()
        return at == bytes.count
    }

    private mutating func skipSpace() {
        while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard at < bytes.count, bytes[at] == byte else { return false }
        at += 1
        return true
    }

    /// A string literal: copied whole when it holds no escape (most do), else unescaped.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = at
        while at < bytes.count {
            switch bytes[at] {
            case UInt8(ascii: "\""):
                defer { at += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            case UInt8(ascii: "\\"): return unescaped(from: start)
            case 0..<0x20: return nil  // a control character must be escaped
            default: at += 1
            }
        }
        return nil
    }

    /// The rest of a string literal that holds an escape, the bytes from `start` to here as they are.
    private mutating func unescaped(from start: Int) -> String? {
        var out = Array(bytes[start..<at])
        while at < bytes.count {
            let byte = bytes[at]
            at += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
            case 0..<0x20: return nil
            case UInt8(ascii: "\\"):
                guard at < bytes.count else { return nil }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    out.append(contentsOf: UTF8.encode(scalar)!)
                default: return nil
                }
            default: out.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (after its `\u`), with the second half of a surrogate pair; `nil`
    /// for a half alone.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let first = hex4() else { return nil }
        guard (0xD800...0xDBFF).contains(first) else { return Unicode.Scalar(first) }
        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let second = hex4(),
            (0xDC00...0xDFFF).contains(second)
        else { return nil }
        return Unicode.Scalar(0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00))
    }

    private mutating func hex4() -> UInt16? {
        guard at + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[at]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
            at += 1
        }
        return value
    }
}
