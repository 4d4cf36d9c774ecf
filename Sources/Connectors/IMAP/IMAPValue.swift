/// A value in an IMAP response (RFC 3501 §4): an atom or number, a string (quoted or a literal),
/// a parenthesised list, or NIL.
indirect enum IMAPValue: Sendable, Equatable {
    case atom(String)
    case string([UInt8])
    case list([IMAPValue])
    case `nil`

    var number: UInt32? {
        if case .atom(let text) = self { return UInt32(text) }
        return nil
    }
}

/// What an untagged response or a command's completion says, read from its text.
enum IMAPResponseData: Equatable {
    /// `OK`, `NO`, `BAD`, `BYE` or `PREAUTH`, with its response code (`UIDVALIDITY 42`, `CAPABILITY …`)
    /// and the human text.
    case status(condition: String, code: String?, text: String)
    case capability([String])
    case search([UInt32])
    /// `* n EXISTS`, `* n EXPUNGE`, `* n RECENT`…
    case count(UInt32, String)
    /// `* n FETCH (…)`: the message's attributes, by name (`UID`, `BODY[]`, `BODY[]<0>`, `FLAGS`).
    case fetch(sequence: UInt32, attributes: [String: IMAPValue])
    /// Anything else (`FLAGS`, `LIST`, `ID`…), which the client has no use for.
    case other(String)
}

extension IMAPResponse {
    /// The response read as data: its tag (or `*` / `+`) dropped.
    func data() throws -> IMAPResponseData {
        var parser = IMAPParser(self)
        _ = parser.word()  // the tag, `*` or `+`
        let first = parser.word()
        let upper = first.uppercased()
        switch upper {
        case "OK", "NO", "BAD", "BYE", "PREAUTH":
            let (code, text) = parser.codeAndText()
            return .status(condition: upper, code: code, text: text)
        case "CAPABILITY":
            return .capability(parser.restOfLine().split(separator: " ").map { $0.uppercased() })
        case "SEARCH":
            var numbers: [UInt32] = []
            for word in parser.restOfLine().split(separator: " ") {
                // A number too large for a UID, or not a number (an ESEARCH-ish extension): not ours.
                guard let number = UInt32(word) else {
                    throw IMAPError.protocolViolation(
                        "the server's SEARCH result holds '\(IMAPError.shown(String(word)))'")
                }
                numbers.append(number)
            }
            return .search(numbers)
        default:
            guard let number = UInt32(first) else { return .other(upper) }
            let name = parser.word().uppercased()
            guard name == "FETCH" else { return .count(number, name) }
            guard case .list(let items) = try parser.value() else {
                throw IMAPError.protocolViolation("the server's FETCH response holds no list")
            }
            var attributes: [String: IMAPValue] = [:]
            var index = 0
            while index + 1 < items.count {
                guard case .atom(let key) = items[index] else {
                    throw IMAPError.protocolViolation("the server's FETCH response names an attribute oddly")
                }
                attributes[key.uppercased()] = items[index + 1]
                index += 2
            }
            return .fetch(sequence: number, attributes: attributes)
        }
    }
}

/// Walks a response's text and literals: words for the fixed parts, values for lists and strings.
struct IMAPParser {
    private let response: IMAPResponse
    private var segment = 0
    private var offset = 0
    /// Lists nested deeper than this are refused (a hostile `((((…` would otherwise recurse without end).
    static let maxDepth = 32

    init(_ response: IMAPResponse) {
        self.response = response
    }

    private var bytes: [UInt8] { response.segments[segment] }
    private var atEndOfSegment: Bool { offset >= bytes.count }

    private mutating func skipSpaces() {
        while !atEndOfSegment && bytes[offset] == UInt8(ascii: " ") { offset += 1 }
    }

    /// The next space-separated word of the current line.
    mutating func word() -> String {
        skipSpaces()
        let start = offset
        while !atEndOfSegment && bytes[offset] != UInt8(ascii: " ") { offset += 1 }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    /// The rest of the current line, trimmed.
    mutating func restOfLine() -> String {
        skipSpaces()
        let text = String(decoding: bytes[min(offset, bytes.count)...], as: UTF8.self)
        offset = bytes.count
        return text.trimmingTrailingSpaces()
    }

    /// A status response's `[code]` (without brackets), if any, and its text.
    mutating func codeAndText() -> (String?, String) {
        skipSpaces()
        guard !atEndOfSegment, bytes[offset] == UInt8(ascii: "[") else { return (nil, restOfLine()) }
        let rest = bytes[(offset + 1)...]
        guard let close = rest.firstIndex(of: UInt8(ascii: "]")) else { return (nil, restOfLine()) }
        let code = String(decoding: bytes[(offset + 1)..<close], as: UTF8.self)
        offset = close + 1
        return (code, restOfLine())
    }

    /// One value: `(list)`, `"quoted"`, `{n}` literal, `NIL`, or an atom (which may hold a
    /// `[section]` with spaces and a `<partial>`, as `BODY[]<0>` does).
    mutating func value(depth: Int = 0) throws -> IMAPValue {
        guard depth < Self.maxDepth else {
            throw IMAPError.protocolViolation("the server nested lists deeper than \(Self.maxDepth)")
        }
        skipSpaces()
        guard !atEndOfSegment else { throw IMAPError.protocolViolation("the server's response ends too early") }
        switch bytes[offset] {
        case UInt8(ascii: "("):
            offset += 1
            var items: [IMAPValue] = []
            while true {
                skipSpaces()
                guard !atEndOfSegment else {
                    throw IMAPError.protocolViolation("the server's response ends inside a list")
                }
                if bytes[offset] == UInt8(ascii: ")") {
                    offset += 1
                    return .list(items)
                }
                items.append(try value(depth: depth + 1))
            }
        case UInt8(ascii: "\""):
            offset += 1
            var text: [UInt8] = []
            while !atEndOfSegment {
                let byte = bytes[offset]
                offset += 1
                if byte == UInt8(ascii: "\"") { return .string(text) }
                if byte == UInt8(ascii: "\\"), !atEndOfSegment {
                    text.append(bytes[offset])
                    offset += 1
                } else {
                    text.append(byte)
                }
            }
            throw IMAPError.protocolViolation("the server's quoted string does not end")
        case UInt8(ascii: "{"):
            // The decoder cut the line after `{n}`: the literal is the one that follows this segment.
            guard segment < response.literals.count, IMAPResponseDecoder.literalLength(atEndOf: bytes) != nil else {
                throw IMAPError.protocolViolation("the server's literal is malformed")
            }
            let literal = response.literals[segment]
            segment += 1
            offset = 0
            return .string(literal)
        default:
            let start = offset
            var inSection = false
            while !atEndOfSegment {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "[") { inSection = true }
                if byte == UInt8(ascii: "]") { inSection = false }
                if !inSection && (byte == UInt8(ascii: " ") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "(")) {
                    break
                }
                offset += 1
            }
            guard offset > start else {
                throw IMAPError.protocolViolation("the server's response has an empty value")
            }
            let atom = String(decoding: bytes[start..<offset], as: UTF8.self)
            return atom.uppercased() == "NIL" ? .nil : .atom(atom)
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
