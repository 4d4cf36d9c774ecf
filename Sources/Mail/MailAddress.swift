/// One mailbox, `Name <local@domain>` or `local@domain`, checked strictly: the address an email goes
/// to must be exactly the one written, never a second recipient or a header smuggled in its text.
///
/// ```swift
/// let office = try MailAddress("Bow River <office@bowriver.example>", field: "From")
/// office.address  // "office@bowriver.example": what SMTP's MAIL FROM carries
/// ```
public struct MailAddress: Sendable, Equatable {
    /// The display name, as written (without the quotes of a quoted name); empty when none.
    public let name: String
    /// `local@domain`: ASCII, a dot-atom local part and a host name.
    public let address: String

    /// Parses `text`. Refused, rather than repaired: any control character or line separator (CR,
    /// LF, NUL, U+2028 …), more than one `<` or `>`, text after the `>`, and an address that is not
    /// a plain `local@domain` (a comma, a space, quotes, a second `@`, an IP literal, non-ASCII).
    ///
    /// - Parameter field: the header it is for (`To`, `From`), named in the error.
    /// - Throws: ``MIMEError`` saying why.
    public init(_ text: String, field: String = "To") throws(MIMEError) {
        let printableASCII = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if !printableASCII, let bad = text.unicodeScalars.first(where: MIMEMessage.isUnsafeInHeader) {
            throw .address(
                field, text,
                "it holds U+\(String(bad.value, radix: 16, uppercase: true)), a control character or line break")
        }
        let trimmed = Self.trimmed(Substring(text))
        let opens = trimmed.utf8.count { $0 == UInt8(ascii: "<") }
        let closes = trimmed.utf8.count { $0 == UInt8(ascii: ">") }
        var name = Substring("")
        var address = trimmed
        if opens > 0 || closes > 0 {
            guard opens == 1, closes == 1, trimmed.utf8.last == UInt8(ascii: ">"),
                let open = trimmed.utf8.firstIndex(of: UInt8(ascii: "<"))
            else {
                throw .address(field, text, "write one address, as local@domain or Name <local@domain>")
            }
            name = Self.trimmed(trimmed[..<open])
            address = trimmed[trimmed.utf8.index(after: open)..<trimmed.utf8.index(before: trimmed.endIndex)]
            if name.utf8.count >= 2, name.utf8.first == UInt8(ascii: "\""), name.utf8.last == UInt8(ascii: "\"") {
                name = Self.unquoted(name.dropFirst().dropLast())
            }
        }
        if let why = Self.problem(address) { throw .address(field, text, why) }
        self.name = String(name)
        self.address = String(address)
    }

    /// Why `address` is not a plain `local@domain`, if it is not.
    static func problem(_ address: Substring) -> String? {
        let bytes = Array(address.utf8)
        guard !bytes.isEmpty else { return "it is empty" }
        guard bytes.count <= 254 else { return "it is longer than 254 characters" }
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return "it is not ASCII" }
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return "it needs exactly one @" }
        let (local, domain) = (parts[0], parts[1])
        guard !local.isEmpty, local.count <= 64 else { return "the part before @ must be 1 to 64 characters" }
        guard local.allSatisfy({ MIMEMessage.isAtext($0) || $0 == UInt8(ascii: ".") }) else {
            return "the part before @ may hold letters, digits, dots and !#$%&'*+-/=?^_`{|}~ only"
        }
        guard local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
            !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") })
        else { return "the part before @ may not start or end with a dot or hold two in a row" }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.count <= 63,
                label.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }),
                label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return "the domain must be a host name (letters, digits, hyphens, dots)" }
        }
        return nil
    }

    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while text.utf8.first == UInt8(ascii: " ") { text = text.dropFirst() }
        while text.utf8.last == UInt8(ascii: " ") { text = text.dropLast() }
        return text
    }

    /// A quoted name's (or a MIME parameter's) text: `\x` is `x`.
    static func unquoted(_ text: Substring) -> Substring {
        var out = Substring()
        var escaped = false
        for character in text {
            if !escaped && character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            out.append(character)
        }
        return out
    }
}
