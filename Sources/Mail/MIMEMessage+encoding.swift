import Foundation

/// The encoders, each one pass over UTF-8 bytes.
extension MIMEMessage {
    /// A part's transfer encoding and its body, CRLF line ends.
    struct Part {
        var encoding: String
        var body: [UInt8]
    }

    /// The text's UTF-8 with every line break (CRLF, a lone CR, a lone LF) as one LF: a bare CR could
    /// otherwise end the message early on the wire (SMTP smuggling).
    static func lineFeeds(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var afterCR = false
        for byte in text.utf8 {
            if byte == 13 {
                out.append(10)
                afterCR = true
                continue
            }
            if !(byte == 10 && afterCR) { out.append(byte) }
            afterCR = false
        }
        return out
    }

    /// `lines` (LF line ends) as a part: as is when every line is short and holds only printable
    /// characters and tabs (`7bit`, or `8bit` when non-ASCII and `eightBit`), else quoted-printable.
    static func part(_ lines: [UInt8], eightBit: Bool) -> Part {
        var ascii = true
        var plain = true
        var width = 0
        lines.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count && plain {
                let byte = bytes[index]
                if byte == 10 {
                    width = 0
                } else {
                    width += 1
                    if width > 998 || (byte < 0x20 && byte != 9) || byte == 0x7F {
                        plain = false
                    } else if byte >= 0x80 {
                        ascii = false
                        // U+0080–U+009F (C2 80–9F), U+2028 and U+2029 (E2 80 A8–A9): control characters
                        // and line separators some readers break lines at.
                        if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] <= 0x9F {
                            plain = false
                        } else if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
                            bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
                        {
                            plain = false
                        }
                    }
                }
                index += 1
            }
        }
        guard plain && (ascii || eightBit) else {
            return Part(encoding: "quoted-printable", body: quotedPrintable(lines))
        }
        var body: [UInt8] = []
        body.reserveCapacity(lines.count + lines.count / 32 + 8)
        for byte in lines {
            if byte == 10 { body.append(13) }
            body.append(byte)
        }
        return Part(encoding: ascii ? "7bit" : "8bit", body: body)
    }

    /// Quoted-printable (RFC 2045 §6.7): every byte but printable ASCII other than `=` (and spaces
    /// and tabs not ending a line) as `=XX`, soft line breaks keeping lines within 76 characters.
    /// The body never holds `=_`, with which every boundary starts.
    static func quotedPrintable(_ lines: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(lines.count + lines.count / 2 + 16)
        var width = 0
        let count = lines.count
        lines.withUnsafeBufferPointer { bytes in
            for index in 0..<count {
                let byte = bytes[index]
                if byte == 10 {
                    out.append(13)
                    out.append(10)
                    width = 0
                    continue
                }
                let endsLine = index + 1 == count || bytes[index + 1] == 10
                let plain =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !endsLine)
                let size = plain ? 1 : 3
                if width + size > 75 {
                    out.append(UInt8(ascii: "="))
                    out.append(13)
                    out.append(10)
                    width = 0
                }
                if plain {
                    out.append(byte)
                } else {
                    out.append(UInt8(ascii: "="))
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0xF)])
                }
                width += size
            }
        }
        return out
    }

    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
    static let lowercaseHexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `=_baton_` and 32 hex digits of `derive(counter)`, for the first counter whose boundary occurs
    /// in none of `parts`.
    static func boundary(avoiding parts: [[UInt8]], derive: (Int) -> [UInt8]) -> [UInt8] {
        var counter = 0
        while true {
            var boundary = Array("=_baton_".utf8)
            for byte in derive(counter).prefix(16) {
                boundary.append(lowercaseHexDigits[Int(byte >> 4)])
                boundary.append(lowercaseHexDigits[Int(byte & 0xF)])
            }
            if !parts.contains(where: { occurs(boundary, in: $0) }) { return boundary }
            counter += 1
        }
    }

    /// Whether `needle` occurs in `haystack`.
    static func occurs(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var index = 0
                let last = hay.count - pin.count
                while index <= last {
                    if hay[index] == first {
                        var matched = 1
                        while matched < pin.count && hay[index + matched] == pin[matched] { matched += 1 }
                        if matched == pin.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// The HTML alternative: the text escaped, paragraphs as `<p>`, line breaks kept, links linked.
    static func html(fromText text: String) -> String {
        String(decoding: html(fromLines: lineFeeds(text)), as: UTF8.self)
    }

    /// ``html(fromText:)`` over LF-ended UTF-8 lines.
    static func html(fromLines text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = Array("<!DOCTYPE html>\n<html><body>\n<p>".utf8)
        out.reserveCapacity(text.count + text.count / 8 + 64)
        let newline = UInt8(ascii: "\n")
        let space = UInt8(ascii: " ")
        text.withUnsafeBufferPointer { bytes in
            var index = 0
            var wordStart = 0
            func word(upTo end: Int) {
                let word = UnsafeBufferPointer(rebasing: bytes[wordStart..<end])
                if startsWith(word, "https://") || startsWith(word, "http://") {
                    out.append(contentsOf: "<a href=\"".utf8)
                    appendEscaped(word, to: &out)
                    out.append(contentsOf: "\">".utf8)
                    appendEscaped(word, to: &out)
                    out.append(contentsOf: "</a>".utf8)
                } else {
                    appendEscaped(word, to: &out)
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == space {
                    word(upTo: index)
                    out.append(space)
                    index += 1
                    wordStart = index
                } else if byte == newline && index + 1 < bytes.count && bytes[index + 1] == newline {
                    word(upTo: index)
                    out.append(contentsOf: "</p>\n<p>".utf8)
                    index += 2
                    wordStart = index
                } else if byte == newline {
                    word(upTo: index)
                    out.append(contentsOf: "<br>\n".utf8)
                    index += 1
                    wordStart = index
                } else {
                    index += 1
                }
            }
            word(upTo: bytes.count)
        }
        out.append(contentsOf: "</p>\n</body></html>".utf8)
        return out
    }

    private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        guard bytes.count >= prefix.utf8CodeUnitCount else { return false }
        let start = prefix.utf8Start
        for index in 0..<prefix.utf8CodeUnitCount where bytes[index] != start[index] { return false }
        return true
    }

    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            default: out.append(byte)
            }
        }
    }
}

/// Headers.
extension MIMEMessage {
    /// A character no header may carry: a C0 or C1 control (CR, LF, NUL, TAB, NEL …), DEL, or the
    /// Unicode line and paragraph separators.
    static func isUnsafeInHeader(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (value >= 0x7F && value <= 0x9F) || value == 0x2028 || value == 0x2029
    }

    /// `atext` of RFC 5322: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        MailAddress.isLetterOrDigit(byte) || (byte < 0x80 && atextSymbols[Int(byte)])
    }

    private static let atextSymbols: [Bool] = (0..<128).map { "!#$%&'*+-/=?^_`{|}~".utf8.contains(UInt8($0)) }

    /// `Name <address>`, the name as is when it is short and plain (letters, digits, spaces and
    /// atext symbols), else as encoded words.
    static func appendMailbox(_ mailbox: MailAddress, to out: inout [UInt8]) {
        let name = headerText(mailbox.name)
        if !name.isEmpty {
            let plain =
                name.utf8.count <= 64 && !holdsEncodedWordStart(name)
                && name.utf8.allSatisfy { $0 == UInt8(ascii: " ") || isAtext($0) }
            if plain { out.append(contentsOf: name.utf8) } else { appendEncodedWords(name, to: &out) }
            out.append(UInt8(ascii: " "))
            out.append(UInt8(ascii: "<"))
            out.append(contentsOf: mailbox.address.utf8)
            out.append(UInt8(ascii: ">"))
        } else {
            out.append(contentsOf: mailbox.address.utf8)
        }
    }

    /// An unstructured header's value (the subject): every unsafe character a space, the ends
    /// trimmed; as is when it is printable ASCII fitting the line (`used` characters already on
    /// it) and holds no `=?`, else as encoded words.
    static func appendUnstructured(_ value: String, after used: Int, to out: inout [UInt8]) {
        let text = headerText(value)
        let plain =
            used + text.utf8.count <= 78 && !holdsEncodedWordStart(text)
            && text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if plain { out.append(contentsOf: text.utf8) } else { appendEncodedWords(text, to: &out) }
    }

    /// The text with each character unsafe in a header (``isUnsafeInHeader(_:)``) as a space, and
    /// the spaces at either end trimmed.
    static func headerText(_ value: String) -> String {
        let utf8 = value.utf8
        if utf8.first != UInt8(ascii: " "), utf8.last != UInt8(ascii: " "), utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F })
        {
            return value
        }
        var scalars = String.UnicodeScalarView()
        var pendingSpaces = 0
        for scalar in value.unicodeScalars {
            if isUnsafeInHeader(scalar) || scalar == " " {
                pendingSpaces += 1
                continue
            }
            if !scalars.isEmpty { for _ in 0..<pendingSpaces { scalars.append(" ") } }
            pendingSpaces = 0
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// Whether `text` holds `=?`, which a reader could take for the start of an encoded word.
    static func holdsEncodedWordStart(_ text: String) -> Bool {
        var afterEquals = false
        for byte in text.utf8 {
            if afterEquals && byte == UInt8(ascii: "?") { return true }
            afterEquals = byte == UInt8(ascii: "=")
        }
        return false
    }

    /// RFC 2047 `B` encoded words of whole Unicode scalars, at most 45 bytes each, folded onto
    /// lines of their own (each under 78 characters).
    static func appendEncodedWords(_ text: String, to out: inout [UInt8]) {
        var chunk: [UInt8] = []
        chunk.reserveCapacity(48)
        var first = true
        func flush() {
            if !first { out.append(contentsOf: "\r\n ".utf8) }
            first = false
            out.append(contentsOf: "=?UTF-8?B?".utf8)
            appendBase64(chunk, to: &out)
            out.append(contentsOf: "?=".utf8)
            chunk.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let size = UTF8.width(scalar)
            if chunk.count + size > 45 { flush() }
            UTF8.encode(scalar) { chunk.append($0) }
        }
        if !chunk.isEmpty || first { flush() }
    }

    private static let base64Digits: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func appendBase64(_ bytes: [UInt8], to out: inout [UInt8]) {
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(base64Digits[Int(group >> 18 & 63)])
            out.append(base64Digits[Int(group >> 12 & 63)])
            out.append(index + 1 < bytes.count ? base64Digits[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? base64Digits[Int(group & 63)] : UInt8(ascii: "="))
            index += 3
        }
    }

    /// One part of a Message-ID's left side: `atext` as is (a dot too, unless it would start, end
    /// or double a dot), every other byte (and `=` itself) as `=XX`.
    static func appendMessageIDPart(_ text: String, to out: inout [UInt8]) {
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            let dotAllowed =
                byte == UInt8(ascii: ".") && index > 0 && index + 1 < bytes.count && bytes[index - 1] != byte
            if (isAtext(byte) && byte != UInt8(ascii: "=")) || dotAllowed {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "="))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            }
        }
    }

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 5322 date, in UTC, from the calendar arithmetic itself (no formatter, no locale):
    /// `Mon, 02 Mar 2026 16:00:00 +0000`.
    static func appendDate(_ date: Date, to out: inout [UInt8]) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let day = secondOfDay < 0 ? days - 1 : days
        let second = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        // Days to a civil date (Howard Hinnant's days_from_civil inverse), proleptic Gregorian.
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = Int(((day % 7) + 7) % 7)

        func two(_ n: Int64) {
            out.append(UInt8(ascii: "0") + UInt8(n / 10))
            out.append(UInt8(ascii: "0") + UInt8(n % 10))
        }
        out.append(contentsOf: weekdays[weekday].utf8)
        out.append(contentsOf: ", ".utf8)
        two(dayOfMonth)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: months[Int(month - 1)].utf8)
        out.append(UInt8(ascii: " "))
        if year >= 0 && year < 10000 {
            two(year / 100)
            two(year % 100)
        } else {
            out.append(contentsOf: String(year).utf8)
        }
        out.append(UInt8(ascii: " "))
        two(second / 3600)
        out.append(UInt8(ascii: ":"))
        two(second / 60 % 60)
        out.append(UInt8(ascii: ":"))
        two(second % 60)
        out.append(contentsOf: " +0000".utf8)
    }
}
