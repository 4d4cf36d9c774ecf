import Hashing

/// An email as it arrived, read (RFC 5322, MIME 2045–2047, 2231): its headers unfolded, the
/// addresses and ids a reply needs, its text (an HTML-only message turned into text), and its
/// attachments listed by name, type and size, never opened.
///
/// Reading never fails: a message that is truncated, lacks a boundary, carries invalid base64 or an
/// unknown charset is read as far as it can be, and each thing that could not be read is said in
/// ``notes``. Everything is bounded by ``Limits``: a hostile message costs at most its size in
/// memory and a linear scan per level of nesting.
///
/// ```swift
/// let message = IncomingMessage(raw)
/// message.from?.address  // "dana@example.com"
/// message.text           // "Hi, I need a quote for next week."
/// ```
public struct IncomingMessage: Sendable, Equatable {
    /// How much of a message is read.
    public struct Limits: Sendable, Equatable {
        /// Bytes read; the rest is left unread (a note says so).
        public var maxBytes: Int
        /// Parts, at every level together; the others are left unread.
        public var maxParts: Int
        /// Multipart levels inside one another; deeper ones are left unread.
        public var maxDepth: Int
        /// Header fields per part; the others are ignored.
        public var maxHeaders: Int
        /// Bytes of one header field, unfolded; the rest is cut.
        public var maxHeaderBytes: Int
        /// Characters of the text kept.
        public var maxTextCharacters: Int

        public init(
            maxBytes: Int = 10 << 20, maxParts: Int = 200, maxDepth: Int = 16, maxHeaders: Int = 500,
            maxHeaderBytes: Int = 16 << 10, maxTextCharacters: Int = 100_000
        ) {
            self.maxBytes = maxBytes
            self.maxParts = maxParts
            self.maxDepth = maxDepth
            self.maxHeaders = maxHeaders
            self.maxHeaderBytes = maxHeaderBytes
            self.maxTextCharacters = maxTextCharacters
        }
    }

    /// One header field, unfolded (its line breaks removed), its bytes read as UTF-8 (or, when not
    /// UTF-8, as Windows-1252); encoded words are left as they are (see ``decodedHeader(_:)``).
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    /// A part that is not the message's text: listed, never opened.
    public struct Attachment: Sendable, Equatable {
        /// Its file name (RFC 2231 or encoded words decoded), empty when it has none.
        public var name: String
        /// `type/subtype`, lowercased.
        public var type: String
        /// Bytes, decoded.
        public var size: Int
    }

    /// The top-level header fields, in order.
    public var fields: [Field]
    /// The message's text: its plain-text parts, or its HTML ones turned into text when it has none.
    public var text: String
    /// Whether ``text`` was made from HTML.
    public var textFromHTML: Bool
    public var attachments: [Attachment]
    /// What could not be read, or was read by a guess, in plain words (`unknown charset 'x-mac-foo': read as UTF-8`).
    public var notes: [String]

    /// Reads `raw`, at most `limits` of it.
    public init(_ raw: [UInt8], limits: Limits = Limits()) {
        var reader = MIMEReader(limits: limits)
        let read = reader.read(raw)
        fields = read.fields
        text = read.text
        textFromHTML = read.textFromHTML
        attachments = read.attachments
        notes = read.notes
    }

    /// The first field named `name` (case-insensitive), unfolded, encoded words left as they are.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// The first field named `name` with its encoded words decoded and every control character a space.
    public func decodedHeader(_ name: String) -> String? {
        header(name).map { MIMEReader.unstructured($0) }
    }

    /// `Subject`, decoded; empty when absent.
    public var subject: String { decodedHeader("Subject") ?? "" }

    /// `<id@host>` of `Message-ID`, as written; nil when absent or not an id.
    public var messageID: String? { header("Message-ID").flatMap { Self.messageIDs(in: $0).first } }

    /// The ids of `In-Reply-To` and `References`: the messages this one answers, nearest first.
    public var referencedIDs: [String] {
        var ids = header("In-Reply-To").map(Self.messageIDs) ?? []
        ids += (header("References").map(Self.messageIDs) ?? []).reversed()
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// The sender: `From`'s first mailbox, its name decoded; nil when it has none that reads.
    public var from: MailAddress? { header("From").flatMap(Self.firstMailbox) }

    /// Where a reply goes: `Reply-To`'s first mailbox, else ``from``.
    public var replyTo: MailAddress? { header("Reply-To").flatMap(Self.firstMailbox) ?? from }

    /// Why nobody should answer this message, if it is an automatic one (an auto-reply, a bounce, a
    /// mailing list's or a bulk sender's, one from a mail system): answering those starts mail loops.
    /// Nil for a message a person wrote.
    public var automatedBecause: String? {
        if let value = header("Auto-Submitted"), value.trimmed.lowercased() != "no" {
            return "Auto-Submitted: \(value.trimmed)"
        }
        if let value = header("Precedence"),
            ["bulk", "junk", "list", "auto_reply"].contains(value.trimmed.lowercased())
        {
            return "Precedence: \(value.trimmed)"
        }
        for name in ["List-Id", "List-Unsubscribe", "List-Post"] where header(name) != nil {
            return "a mailing list's message (\(name))"
        }
        for name in ["X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"] where header(name) != nil {
            return "an auto-reply (\(name))"
        }
        if let value = header("X-Auto-Response-Suppress"),
            ["all", "oof", "autoreply"].contains(where: value.lowercased().contains)
        {
            return "an auto-reply (X-Auto-Response-Suppress: \(value.trimmed))"
        }
        if let path = header("Return-Path"), path.trimmed == "<>" { return "a bounce (an empty Return-Path)" }
        if let type = header("Content-Type"), type.lowercased().contains("multipart/report") {
            return "a delivery report (multipart/report)"
        }
        let sender = (header("Sender").flatMap(Self.firstMailbox) ?? from)?.address.lowercased() ?? ""
        let local = sender.split(separator: "@").first.map(String.init) ?? ""
        if ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"].contains(local) {
            return "from the mail system (\(sender))"
        }
        if header("Reply-To") == nil,
            ["noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply"].contains(local)
        {
            return "from an address that takes no replies (\(sender))"
        }
        if from == nil { return "no sender address to answer" }
        let subject = subject.lowercased()
        for start in [
            "auto:", "automatic reply", "autoreply", "out of office", "undeliverable", "undelivered mail",
            "delivery status notification", "mail delivery failed", "returned mail",
        ] where subject.hasPrefix(start) {
            return "an automatic message (Subject: \(self.subject.prefix(80)))"
        }
        return nil
    }

    /// SHA-256 of a message's bytes, in hex: what names a message that has no Message-ID.
    public static func digestHex(_ raw: [UInt8]) -> String {
        SHA256.hash(raw).map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self)
        }.joined()
    }

    /// Every `<…>` id in a header's value, as written (angle brackets included). An id holding a
    /// control character (NUL, an escape; none is allowed in RFC 5322's msg-id) is no id: the
    /// stores key messages by it, and PostgreSQL's text cannot hold NUL.
    static func messageIDs(in value: String) -> [String] {
        var ids: [String] = []
        var current: String?
        for character in value {
            if character == "<" {
                current = "<"
            } else if character == ">", var id = current {
                id.append(">")
                if id.count > 2 && id.count <= 998 && id.contains("@") { ids.append(id) }
                current = nil
            } else if current != nil {
                let control = character.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
                if character.isWhitespace || control { current = nil } else { current!.append(character) }
            }
        }
        return ids
    }

    /// The first mailbox of an address list (`Name <a@b>, c@d`), its name decoded; nil when none reads.
    static func firstMailbox(_ value: String) -> MailAddress? {
        for candidate in MIMEReader.splitOutsideQuotes(value, on: ",").prefix(100) {
            var text = MIMEReader.unstructured(candidate)
            // A comment after the address (`a@b (Dana)`) is not part of it.
            if !text.contains("<"), let open = text.firstIndex(of: "(") { text = String(text[..<open]).trimmed }
            if let mailbox = try? MailAddress(text, field: "From") { return mailbox }
            // A name holding characters the strict parser refuses (`,`, `<` in quotes): keep the address.
            if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close,
                let mailbox = try? MailAddress(String(text[text.index(after: open)..<close]), field: "From")
            {
                return mailbox
            }
        }
        return nil
    }
}

extension String {
    /// Without spaces and tabs at either end.
    var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
