/// Reads a raw message into an ``IncomingMessage``: headers, the multipart tree, transfer encodings
/// and charsets, within the reader's limits. A mutable walker: it gathers the text, the attachments
/// and the notes as it goes, once per message.
struct MIMEReader {
    struct Read {
        var fields: [IncomingMessage.Field]
        var text: String
        var textFromHTML: Bool
        var attachments: [IncomingMessage.Attachment]
        var notes: [String]
    }

    let limits: IncomingMessage.Limits
    private var notes: [String] = []
    private var plainTexts: [String] = []
    private var htmlTexts: [String] = []
    private var attachments: [IncomingMessage.Attachment] = []
    private var parts = 0

    init(limits: IncomingMessage.Limits) {
        self.limits = limits
    }

    mutating func read(_ raw: [UInt8]) -> Read {
        var bytes = raw[...]
        if raw.count > limits.maxBytes {
            bytes = raw[..<limits.maxBytes]
            note("the message is larger than \(limits.maxBytes) bytes: only its first \(limits.maxBytes) were read")
        }
        let (fields, bodyStart) = headers(bytes)
        walk(fields, bytes[bodyStart...], depth: 0, defaultType: "text/plain")
        var text: String
        var fromHTML = false
        if !plainTexts.isEmpty {
            text = plainTexts.joined(separator: "\n\n")
        } else if !htmlTexts.isEmpty {
            text = htmlTexts.map(HTMLText.text(fromHTML:)).joined(separator: "\n\n")
            fromHTML = true
        } else {
            text = ""
        }
        if text.unicodeScalars.count > limits.maxTextCharacters {
            text = String(String.UnicodeScalarView(text.unicodeScalars.prefix(limits.maxTextCharacters)))
            note("the text is longer than \(limits.maxTextCharacters) characters: the rest was left out")
        }
        return Read(fields: fields, text: text, textFromHTML: fromHTML, attachments: attachments, notes: notes)
    }

    private mutating func note(_ text: String) {
        if !notes.contains(text) { notes.append(text) }
    }

    // MARK: Headers

    /// The header fields from the start of `bytes` up to the empty line, and where the body starts.
    /// A line that is neither a field nor a continuation ends the header (it is the body's first line).
    mutating func headers(_ bytes: ArraySlice<UInt8>) -> ([IncomingMessage.Field], Int) {
        var raw: [(name: String, value: [UInt8])] = []
        var index = bytes.startIndex
        var ignoring = false
        var ignored = 0
        var cut = false
        var body = bytes.endIndex
        var first = true
        while index < bytes.endIndex {
            let lineEnd = bytes[index...].firstIndex(of: 10) ?? bytes.endIndex
            var contentEnd = lineEnd
            if contentEnd > index && bytes[contentEnd - 1] == 13 { contentEnd -= 1 }
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : bytes.endIndex
            defer { first = false }
            if contentEnd == index {
                body = next
                break
            }
            let lead = bytes[index]
            if lead == 32 || lead == 9 {
                if !ignoring, !raw.isEmpty {
                    let room = limits.maxHeaderBytes - raw[raw.count - 1].value.count
                    if room > 0 {
                        raw[raw.count - 1].value.append(contentsOf: bytes[index..<min(contentEnd, index + room)])
                    }
                    if contentEnd - index > room { cut = true }
                }
                index = next
                continue
            }
            let line = bytes[index..<contentEnd]
            if let colon = line.firstIndex(of: UInt8(ascii: ":")), let name = Self.fieldName(line[..<colon]) {
                if raw.count >= limits.maxHeaders {
                    ignoring = true
                    ignored += 1
                } else {
                    ignoring = false
                    var value = line[(colon + 1)...]
                    while let lead = value.first, lead == 32 || lead == 9 { value = value.dropFirst() }
                    if value.count > limits.maxHeaderBytes { cut = true }
                    raw.append((name, Array(value.prefix(limits.maxHeaderBytes))))
                }
            } else if first && line.starts(with: "From ".utf8) {
                // An mbox "From " line before the header: not a field.
            } else {
                note("a header line without a colon: the body was read from there")
                body = index
                break
            }
            index = next
        }
        if ignored > 0 { note("more than \(limits.maxHeaders) header fields: \(ignored) were ignored") }
        if cut { note("a header field longer than \(limits.maxHeaderBytes) bytes was cut") }
        let fields = raw.map { IncomingMessage.Field(name: $0.name, value: Self.headerString($0.value).trimmed) }
        return (fields, body)
    }

    /// A field name: printable ASCII but the colon, trailing spaces allowed (an obsolete form).
    static func fieldName(_ bytes: ArraySlice<UInt8>) -> String? {
        var name = bytes
        while let last = name.last, last == 32 || last == 9 { name = name.dropLast() }
        guard !name.isEmpty, name.count <= 200, name.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        return String(decoding: name, as: UTF8.self)
    }

    /// A header's bytes as text: UTF-8 when they are, else Windows-1252 (raw 8-bit headers).
    static func headerString(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return Charset.windows1252(bytes)
    }

    // MARK: The tree

    /// Reads one part: a multipart's children in turn (an alternative's best one only), a text part
    /// into the text, anything else listed as an attachment.
    private mutating func walk(
        _ fields: [IncomingMessage.Field], _ body: ArraySlice<UInt8>, depth: Int, defaultType: String
    ) {
        parts += 1
        guard parts <= limits.maxParts else {
            note("more than \(limits.maxParts) parts: the others were left unread")
            return
        }
        let contentType = Self.field("Content-Type", in: fields).map(Self.parameters)
        var type = contentType?.value ?? defaultType
        if !type.contains("/") { type = defaultType }
        let parameters = contentType?.parameters ?? [:]
        let disposition = Self.field("Content-Disposition", in: fields).map(Self.parameters)
        let name = disposition?.parameters["filename"] ?? parameters["name"] ?? ""

        if type.hasPrefix("multipart/") {
            guard depth < limits.maxDepth else {
                note("parts nested more than \(limits.maxDepth) levels deep were left unread")
                return
            }
            guard let boundary = parameters["boundary"], !boundary.isEmpty, boundary.utf8.count <= 200 else {
                note("a multipart part without a boundary was read as text")
                addText(body, fields: fields, type: "text/plain", charset: parameters["charset"])
                return
            }
            let (children, found, closed) = Self.split(body, boundary: Array(boundary.utf8))
            guard found else {
                note("the boundary of a multipart part never occurs: its body was read as text")
                addText(body, fields: fields, type: "text/plain", charset: nil)
                return
            }
            if !closed { note("a multipart part ends without its closing boundary (truncated?)") }
            let childDefault = type == "multipart/digest" ? "message/rfc822" : "text/plain"
            var read = children.map { child in
                let (childFields, start) = headers(child)
                return (childFields, child[start...])
            }
            if type == "multipart/alternative", read.count > 1 {
                // The text/plain alternative if there is one, else the HTML one, else the last (the richest).
                let types = read.map { Self.field("Content-Type", in: $0.0).map { Self.parameters($0).value } ?? "" }
                let chosen =
                    types.firstIndex(of: "text/plain") ?? types.firstIndex(of: "text/html")
                    ?? types.lastIndex(where: { $0.hasPrefix("multipart/") }) ?? read.count - 1
                read = [read[chosen]]
            }
            for (childFields, childBody) in read {
                walk(childFields, childBody, depth: depth + 1, defaultType: childDefault)
            }
            return
        }
        let isAttachment =
            disposition?.value == "attachment" || !name.isEmpty || (type != "text/plain" && type != "text/html")
        if isAttachment {
            let size = decoded(body, fields: fields).count
            attachments.append(IncomingMessage.Attachment(name: MIMEReader.unstructured(name), type: type, size: size))
            return
        }
        addText(body, fields: fields, type: type, charset: parameters["charset"])
    }

    private mutating func addText(
        _ body: ArraySlice<UInt8>, fields: [IncomingMessage.Field], type: String, charset: String?
    ) {
        let bytes = decoded(body, fields: fields)
        let (text, problem) = Charset.decode(bytes, charset: charset)
        if let problem { note(problem) }
        let lines = Self.lineFeeds(text)
        if type == "text/html" { htmlTexts.append(lines) } else { plainTexts.append(lines) }
    }

    /// The body with its transfer encoding undone.
    private mutating func decoded(_ body: ArraySlice<UInt8>, fields: [IncomingMessage.Field]) -> [UInt8] {
        let encoding = Self.field("Content-Transfer-Encoding", in: fields).map { $0.trimmed.lowercased() } ?? "7bit"
        switch encoding {
        case "base64":
            let (bytes, clean) = TransferEncoding.base64(body)
            if !clean { note("a base64 part holds characters base64 does not: they were skipped") }
            return bytes
        case "quoted-printable":
            return TransferEncoding.quotedPrintable(body)
        case "7bit", "8bit", "binary", "":
            return Array(body)
        default:
            note("unknown transfer encoding '\(encoding.prefix(40))': the part was read as it is")
            return Array(body)
        }
    }

    /// Every line break (CRLF, a lone CR) as LF.
    static func lineFeeds(_ text: String) -> String {
        guard text.utf8.contains(13) else { return text }
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                afterCR = true
                continue
            }
            if !(scalar == "\n" && afterCR) { out.append(scalar) }
            afterCR = false
        }
        return String(out)
    }

    static func field(_ name: String, in fields: [IncomingMessage.Field]) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// A multipart body's parts between its `--boundary` lines (the line break before each boundary
    /// belongs to it); whether one boundary was found, and whether the closing one was.
    static func split(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> (
        parts: [ArraySlice<UInt8>], found: Bool, closed: Bool
    ) {
        let delimiter = [UInt8(ascii: "-"), UInt8(ascii: "-")] + boundary
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var found = false
        var index = body.startIndex
        while index < body.endIndex {
            let lineEnd = body[index...].firstIndex(of: 10) ?? body.endIndex
            let next = lineEnd < body.endIndex ? lineEnd + 1 : body.endIndex
            if body[index] == UInt8(ascii: "-"), body[index..<lineEnd].starts(with: delimiter) {
                var rest = body[(index + delimiter.count)..<lineEnd]
                let closing = rest.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")])
                if closing { rest = rest.dropFirst(2) }
                if rest.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
                    if let start = partStart {
                        var end = index
                        if end > start, body[end - 1] == 10 { end -= 1 }
                        if end > start, body[end - 1] == 13 { end -= 1 }
                        parts.append(body[start..<max(start, end)])
                    }
                    found = true
                    if closing { return (parts, true, true) }
                    partStart = next
                }
            }
            index = next
        }
        if let start = partStart { parts.append(body[start..<body.endIndex]) }
        return (parts, found, false)
    }

    // MARK: Parameters and encoded words

    /// `type/subtype; name=value; name*=utf-8''%E2%82%AC` as the lowercased value and its parameters
    /// (names lowercased; RFC 2231 continuations joined and decoded; encoded words in a value decoded).
    static func parameters(_ field: String) -> (value: String, parameters: [String: String]) {
        let pieces = splitOutsideQuotes(field, on: ";")
        let value = (pieces.first ?? "").trimmed.lowercased()
        var plain: [String: String] = [:]
        var sections: [String: [Int: (text: String, extended: Bool)]] = [:]
        for piece in pieces.dropFirst().prefix(64) {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let key = String(piece[..<equals]).trimmed.lowercased()
            var raw = String(piece[piece.index(after: equals)...]).trimmed
            if raw.hasPrefix("\""), raw.count >= 2 {
                raw = String(MailAddress.unquoted(raw.dropFirst().dropLast(raw.hasSuffix("\"") ? 1 : 0)))
            }
            guard !key.isEmpty else { continue }
            let parts = key.split(separator: "*", omittingEmptySubsequences: false)
            if parts.count == 1 {
                plain[key] = raw
            } else if let number = Int(parts[1]), parts.count <= 3, number < 100 {
                sections[String(parts[0]), default: [:]][number] = (raw, parts.count == 3)
            } else if parts.count == 2, parts[1].isEmpty {
                sections[String(parts[0]), default: [:]][0] = (raw, true)
            }
        }
        var parameters = plain.mapValues { $0.contains("=?") ? unstructured($0) : $0 }
        for (name, numbered) in sections {
            var bytes: [UInt8] = []
            var charset: String?
            for number in numbered.keys.sorted() {
                guard let (text, extended) = numbered[number] else { continue }
                var encoded = Substring(text)
                if extended && number == numbered.keys.min() {
                    let quoteParts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if quoteParts.count == 3 {
                        charset = String(quoteParts[0])
                        encoded = quoteParts[2]
                    }
                }
                bytes += extended ? TransferEncoding.percentDecoded(encoded) : Array(encoded.utf8)
            }
            parameters[name] = Charset.decode(bytes, charset: charset).text
        }
        return (value, parameters)
    }

    /// `text` split at `separator` wherever it is not inside double quotes.
    static func splitOutsideQuotes(_ text: String, on separator: Character) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == separator && !quoted {
                pieces.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        pieces.append(current)
        return pieces
    }

    /// An unstructured header's text: RFC 2047 encoded words decoded (the space between two of them
    /// dropped), every control character and line separator a space, the ends trimmed.
    static func unstructured(_ value: String) -> String {
        let decoded = decodingEncodedWords(value)
        var scalars = String.UnicodeScalarView()
        for scalar in decoded.unicodeScalars {
            scalars.append(MIMEMessage.isUnsafeInHeader(scalar) ? " " : scalar)
        }
        return String(scalars).trimmed
    }

    /// `value` with each well-formed `=?charset?B|Q?text?=` decoded; anything else as written.
    static func decodingEncodedWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        let bytes = Array(value.utf8)
        var out: [UInt8] = []
        var pendingSpace: [UInt8] = []
        var afterWord = false
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?"),
                let (text, end) = encodedWord(bytes, at: index)
            {
                if !afterWord { out += pendingSpace }
                pendingSpace = []
                out += Array(text.utf8)
                afterWord = true
                index = end
                continue
            }
            let byte = bytes[index]
            if byte == 32 || byte == 9 {
                pendingSpace.append(byte)
            } else {
                out += pendingSpace
                pendingSpace = []
                out.append(byte)
                afterWord = false
            }
            index += 1
        }
        out += pendingSpace
        return String(decoding: out, as: UTF8.self)
    }

    /// The encoded word starting at `start`, decoded, and the index after it.
    private static func encodedWord(_ bytes: [UInt8], at start: Int) -> (String, Int)? {
        let question = UInt8(ascii: "?")
        var index = start + 2
        let charsetStart = index
        while index < bytes.count, bytes[index] != question, bytes[index] > 32, index - charsetStart < 64 { index += 1 }
        guard index < bytes.count, bytes[index] == question, index > charsetStart, index + 2 < bytes.count,
            bytes[index + 2] == question
        else { return nil }
        var charset = String(decoding: bytes[charsetStart..<index], as: UTF8.self)
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        let encoding = bytes[index + 1] | 0x20
        index += 3
        let textStart = index
        while index + 1 < bytes.count, !(bytes[index] == question && bytes[index + 1] == UInt8(ascii: "=")) {
            guard bytes[index] > 32 && bytes[index] < 127 else { return nil }
            index += 1
        }
        guard index + 1 < bytes.count else { return nil }
        let text = bytes[textStart..<index]
        let decoded: [UInt8]
        switch encoding {
        case UInt8(ascii: "b"): decoded = TransferEncoding.base64(text).bytes
        case UInt8(ascii: "q"): decoded = TransferEncoding.quotedPrintable(text, underscoreIsSpace: true)
        default: return nil
        }
        return (Charset.decode(decoded, charset: charset).text, index + 2)
    }
}
