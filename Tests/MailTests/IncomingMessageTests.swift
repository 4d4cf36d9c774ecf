import BatonTestSupport
import Foundation
import Testing

@testable import Mail

/// Reading mail: messages Baton writes read back as written; hundreds of generated messages (random
/// multipart trees, transfer encodings, charsets, folded headers and encoded words) read as the
/// generator meant them; hostile ones (truncated, without boundaries, huge headers, nested 1,000
/// deep, invalid base64, NULs) read within the limits, never trapping.
struct IncomingMessageTests {
    // MARK: Round trip through the writer

    @Test func everyMessageTheWriterMakesReadsBackAsWritten() throws {
        var read = 0
        for (index, item) in HostileMIMETests.cases(400).enumerated() where item.recipient != nil {
            let bytes = try MIMEMessage(item.email).bytes(eightBit: index % 2 == 0)
            let message = IncomingMessage(bytes)
            #expect(message.notes.isEmpty, "\(index): \(message.notes)")
            #expect(message.subject == MIMEMessage.headerText(item.email.subject), "\(index)")
            #expect(message.text == String(decoding: MIMEMessage.lineFeeds(item.email.text), as: UTF8.self), "\(index)")
            #expect(!message.textFromHTML)
            #expect(message.from?.address == "office@bowriver.example")
            #expect(message.messageID == MIMEMessage(item.email).messageID)
            #expect(message.attachments.isEmpty)
            #expect(message.automatedBecause == nil, "\(index): \(message.automatedBecause ?? "")")
            let to = message.header("To").flatMap(IncomingMessage.firstMailbox)
            #expect(to?.address == item.recipient, "\(index)")
            if !item.displayName.isEmpty {
                #expect(to?.name == MIMEMessage.headerText(item.displayName), "\(index)")
            }
            read += 1
        }
        #expect(read > 250)
    }

    // MARK: Generated trees

    /// A charset a generated text part is written in, with the characters it can carry.
    struct Encoding: Sendable {
        var label: String
        var alphabet: [String]
        var encode: @Sendable (String) -> [UInt8]
    }

    static let ascii = Array("abcdefghij KLMNOP 0123 .,;:!?-='\"()<>_".map(String.init)) + ["  ", "=3D", "=?", "--"]
    static let encodings: [Encoding] = [
        Encoding(label: "utf-8", alphabet: ascii + ["é", "ü", "€", "🙂", "中文", "e\u{301}", "\u{2028}"]) {
            Array($0.utf8)
        },
        Encoding(label: "UTF8", alphabet: ascii + ["ß", "ñ"]) { Array($0.utf8) },
        Encoding(label: "us-ascii", alphabet: ascii) { Array($0.utf8) },
        Encoding(label: "iso-8859-1", alphabet: ascii + ["é", "ü", "ß", "£", "©", "ÿ", "\u{A0}"]) { latin($0) },
        Encoding(label: "ISO_8859-1", alphabet: ascii + ["à", "ç"]) { latin($0) },
        Encoding(label: "iso-8859-15", alphabet: ascii + ["€", "Š", "š", "Ž", "ž", "Œ", "œ", "Ÿ", "é"]) { latin9($0) },
        Encoding(label: "windows-1252", alphabet: ascii + ["€", "‘", "’", "“", "”", "…", "—", "™", "é", "Ÿ"]) {
            cp1252($0)
        },
    ]

    static func latin(_ text: String) -> [UInt8] { text.unicodeScalars.map { UInt8($0.value) } }

    static func latin9(_ text: String) -> [UInt8] {
        let special: [UInt32: UInt8] = [
            0x20AC: 0xA4, 0x160: 0xA6, 0x161: 0xA8, 0x17D: 0xB4, 0x17E: 0xB8, 0x152: 0xBC, 0x153: 0xBD, 0x178: 0xBE,
        ]
        return text.unicodeScalars.map { special[$0.value] ?? UInt8($0.value) }
    }

    static func cp1252(_ text: String) -> [UInt8] {
        let special: [UInt32: UInt8] = [
            0x20AC: 0x80, 0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2026: 0x85, 0x2014: 0x97,
            0x2122: 0x99, 0x178: 0x9F,
        ]
        return text.unicodeScalars.map { special[$0.value] ?? UInt8($0.value) }
    }

    /// A generated message and what reading it must give.
    struct Generated {
        var bytes: [UInt8]
        var subject: String
        var texts: [String]
        var attachments: [IncomingMessage.Attachment]
    }

    struct Generator {
        var random: SplitMix
        var texts: [String] = []
        var attachments: [IncomingMessage.Attachment] = []
        var counter = 0

        mutating func text(_ encoding: Encoding) -> String {
            let lines = (0..<(1 + random.below(6))).map { _ in
                (0..<random.below(40)).map { _ in random.pick(encoding.alphabet) }.joined()
            }
            return lines.joined(separator: "\n")
        }

        mutating func boundary() -> String {
            counter += 1
            return "b\(counter)_" + String(random.next(), radix: 36) + random.pick(["", "'()+_,-./:=?", " x"])
        }

        /// A header field, folded at random spaces (the fold keeps the space).
        mutating func fold(_ name: String, _ value: String) -> String {
            var out = "\(name):"
            for word in value.split(separator: " ", omittingEmptySubsequences: false) {
                out += random.chance(30) ? "\r\n " : " "
                out += word
            }
            return out + "\r\n"
        }

        /// Body bytes in a random transfer encoding, with its header.
        mutating func transfer(_ bytes: [UInt8], textLike: Bool) -> (header: String, body: [UInt8]) {
            let plain =
                bytes.allSatisfy { $0 < 0x80 && $0 != 13 }
                && !bytes.split(separator: 10).contains { $0.count > 900 }
            switch random.below(4) {
            case 0 where plain && textLike:
                return (
                    "7bit",
                    Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
                )
            case 1 where textLike && !bytes.contains(13) && !bytes.contains(0):
                var out: [UInt8] = []
                for byte in bytes {
                    if byte == 10 { out.append(13) }
                    out.append(byte)
                }
                return ("8bit", out)
            case 2 where textLike:
                return ("quoted-printable", Self.quotedPrintable(bytes, &random))
            default:
                let encoded = Data(bytes).base64EncodedString()
                var lines: [String] = []
                var rest = Substring(encoded)
                let width = random.pick([76, 64, 4, 1000])
                while !rest.isEmpty {
                    lines.append(String(rest.prefix(width)))
                    rest = rest.dropFirst(width)
                }
                return (random.pick(["base64", "BASE64", "Base64"]), Array(lines.joined(separator: "\r\n").utf8))
            }
        }

        static func quotedPrintable(_ bytes: [UInt8], _ random: inout SplitMix) -> [UInt8] {
            var out: [UInt8] = []
            var width = 0
            for byte in bytes {
                if byte == 10 {
                    out += [13, 10]
                    width = 0
                    continue
                }
                let literal = byte > 32 && byte < 127 && byte != UInt8(ascii: "=")
                let piece: [UInt8] = literal ? [byte] : Array(String(format: "=%02X", byte).utf8)
                if width + piece.count > 75 || random.chance(3) {
                    out += Array("=\r\n".utf8)
                    width = 0
                }
                out += piece
                width += piece.count
            }
            return out
        }

        /// An RFC 2047 encoded subject, in words of a few characters each, some folded.
        mutating func encodedWords(_ text: String) -> String {
            var words: [String] = []
            var chunk = ""
            for character in text {
                chunk.append(character)
                if chunk.count >= 1 + random.below(8) {
                    words.append(encodedWord(chunk))
                    chunk = ""
                }
            }
            if !chunk.isEmpty { words.append(encodedWord(chunk)) }
            return words.map { $0 + (random.chance(30) ? "\r\n " : random.pick([" ", "  ", "\t"])) }.joined()
        }

        mutating func encodedWord(_ text: String) -> String {
            let bytes = Array(text.utf8)
            if random.chance(50) { return "=?UTF-8?B?\(Data(bytes).base64EncodedString())?=" }
            let q = bytes.map { byte -> String in
                if byte == 32 { return "_" }
                let literal = MIMEReaderTestsShared.isLetterOrDigit(byte)
                return literal ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
            }.joined()
            return "=?\(random.pick(["utf-8", "UTF-8", "utf-8*en"]))?\(random.pick(["Q", "q"]))?\(q)?="
        }

        /// A part: a text leaf, an attachment, or a multipart of either, `depth` levels at most.
        mutating func part(depth: Int) -> [UInt8] {
            let choice = depth == 0 ? random.below(3) : random.below(6)
            switch choice {
            case 0, 1:
                let encoding = random.pick(IncomingMessageTests.encodings)
                let text = text(encoding)
                texts.append(text)
                let (header, body) = transfer(encoding.encode(text), textLike: true)
                var head =
                    "Content-Type: text/plain; charset=\(random.chance(50) ? "\"\(encoding.label)\"" : encoding.label)\r\n"
                if random.chance(50) {
                    head = fold("Content-Type", "text/plain; format=flowed; charset=\(encoding.label)")
                }
                head += "Content-Transfer-Encoding: \(header)\r\n"
                if random.chance(20) { head += "Content-Disposition: inline\r\n" }
                return Array((head + "\r\n").utf8) + body
            case 2:
                var bytes: [UInt8] = (0..<random.below(3000)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if random.chance(20) { bytes = [] }
                let names = ["quote.pdf", "photo of the leak.jpg", "Reçu €12.pdf", "дом.png", "a;b=\"c\".txt"]
                let name = random.pick(names)
                let type = random.pick(["application/pdf", "image/jpeg", "application/octet-stream", "text/csv"])
                let disposition: String
                switch random.below(3) {
                case 0:
                    let encoded = Array(name.utf8).map { byte in
                        MIMEReaderTestsShared.isLetterOrDigit(byte)
                            ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
                    }.joined()
                    let half = encoded.count / 2
                    let cut = encoded.index(encoded.startIndex, offsetBy: half)
                    // Not in the middle of a %XX.
                    let safeCut = encoded[..<cut].lastIndex(of: "%").map { $0 } ?? cut
                    disposition =
                        "attachment;\r\n filename*0*=utf-8''\(encoded[..<safeCut]);\r\n filename*1*=\(encoded[safeCut...])"
                case 1:
                    disposition = "attachment; filename=\"=?utf-8?B?\(Data(name.utf8).base64EncodedString())?=\""
                default:
                    let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                        of: "\"", with: "\\\"")
                    disposition = "attachment; filename=\"\(quoted)\""
                }
                attachments.append(IncomingMessage.Attachment(name: name, type: type, size: bytes.count))
                let (header, body) = transfer(bytes, textLike: false)
                return Array(
                    "Content-Type: \(type)\r\nContent-Disposition: \(disposition)\r\nContent-Transfer-Encoding: \(header)\r\n\r\n"
                        .utf8) + body
            default:
                let boundary = boundary()
                let children = (0..<(1 + random.below(4))).map { _ in part(depth: depth - 1) }
                var out = Array(
                    "Content-Type: multipart/\(random.pick(["mixed", "related", "signed"])); boundary=\"\(boundary)\"\r\n\r\n"
                        .utf8)
                if random.chance(50) { out += Array("This is a multi-part message in MIME format.\r\n".utf8) }
                for child in children {
                    out += Array("\r\n--\(boundary)\(random.pick(["", " ", "\t"]))\r\n".utf8)
                    out += child
                }
                out += Array("\r\n--\(boundary)--\r\n".utf8)
                if random.chance(30) { out += Array("epilogue\r\n--\(boundary)\r\nnot a part\r\n".utf8) }
                return out
            }
        }
    }

    static func generated(_ count: Int) -> [Generated] {
        var random = SplitMix(seed: 2047)
        return (0..<count).map { index in
            var generator = Generator(random: SplitMix(seed: random.next()))
            let subjectEncoding = generator.random.pick(encodings)
            var subject = generator.text(subjectEncoding).replacingOccurrences(of: "\n", with: " ")
            subject = subject.replacingOccurrences(of: "\u{2028}", with: " ")
            while subject.hasPrefix(" ") { subject.removeFirst() }
            while subject.hasSuffix(" ") { subject.removeLast() }
            var head =
                "Return-Path: <dana@example.com>\r\nReceived: from mx.example.com\r\n by mail.example.net;\r\n\tMon, 2 Mar 2026 09:00:00 +0000\r\n"
            head += generator.fold("From", "Dana <dana@example.com>")
            head += "To: office@bowriver.example\r\n"
            head += "Subject: " + generator.encodedWords(subject) + "\r\n"
            head += "Message-ID: <gen-\(index)@example.com>\r\nMIME-Version: 1.0\r\n"
            for field in 0..<generator.random.below(5) {
                head += generator.fold(
                    "X-Field-\(field)", String(repeating: "word ", count: generator.random.below(50)))
            }
            let body = generator.part(depth: 1 + generator.random.below(4))
            var bytes = Array(head.utf8) + body
            if index % 3 == 0 {
                // Bare LF line ends, as a Unix mailbox has them.
                bytes = bytes.filter { $0 != 13 }
            }
            return Generated(
                bytes: bytes,
                subject: subject.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "),
                texts: generator.texts, attachments: generator.attachments)
        }
    }

    @Test func generatedTreesReadAsTheGeneratorMeantThem() throws {
        let messages = Self.generated(600)
        var parts = 0
        for (index, generated) in messages.enumerated() {
            let message = IncomingMessage(generated.bytes)
            #expect(message.notes.isEmpty, "\(index): \(message.notes)")
            #expect(
                message.subject.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                    == generated.subject, "\(index)")
            #expect(message.text == generated.texts.joined(separator: "\n\n"), "\(index)")
            #expect(message.attachments == generated.attachments, "\(index)")
            #expect(message.messageID == "<gen-\(index)@example.com>")
            #expect(message.from?.address == "dana@example.com")
            #expect(message.automatedBecause == nil)
            parts += generated.texts.count + generated.attachments.count
        }
        #expect(parts > 1_500)
    }

    @Test func anAlternativeIsReadByItsPlainTextAndAnHTMLOnlyMessageAsText() {
        let alternative = """
            From: dana@example.com\r
            Subject: x\r
            Content-Type: multipart/alternative; boundary=XX\r
            \r
            --XX\r
            Content-Type: text/html; charset=utf-8\r
            \r
            <p>HTML</p>\r
            --XX\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Plain\r
            --XX--\r

            """
        #expect(IncomingMessage(Array(alternative.utf8)).text == "Plain")

        let html = """
            From: dana@example.com\r
            Content-Type: text/html; charset=windows-1252\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            <html><head><title>T</title><style>p {color: red}</style></head><body>\r
            <p>Hi,&nbsp;I need a <b>quote</b> =93soon=94 &amp; <a href=3D"https://example.com/x">our site</a>.</p>\r
            <!-- a comment <p>hidden</p> --><script>alert("x")</script>\r
            <ul><li>one</li><li>two &#233;&#x20AC;</li></ul><div>Call&nbsp;403&#8209;555</div>\r
            </body></html>\r

            """
        let message = IncomingMessage(Array(html.utf8))
        #expect(message.textFromHTML)
        #expect(
            message.text
                == "Hi, I need a quote “soon” & our site (https://example.com/x).\n\n- one\n- two é€\nCall 403‑555")
    }

    @Test(arguments: [
        ("Auto-Submitted: auto-replied", true), ("Auto-Submitted: no", false), ("Precedence: bulk", true),
        ("Precedence: junk", true), ("Precedence: list", true), ("Precedence: first-class", false),
        ("List-Id: <news.example.com>", true), ("List-Unsubscribe: <mailto:u@example.com>", true),
        ("X-Autoreply: yes", true), ("X-Auto-Response-Suppress: OOF, AutoReply", true), ("Return-Path: <>", true),
        ("Content-Type: multipart/report; report-type=delivery-status; boundary=x", true),
        ("Subject: Automatic reply: your request", true), ("Subject: Out of Office", true),
        ("Subject: Re: your quote", false), ("X-Mailer: Thunderbird", false),
    ])
    func automaticMessagesAreToldApart(field: String, automated: Bool) {
        let raw = "From: Dana <dana@example.com>\r\n\(field)\r\n\r\nHello\r\n"
        #expect((IncomingMessage(Array(raw.utf8)).automatedBecause != nil) == automated, "\(field)")
    }

    @Test(arguments: [
        "MAILER-DAEMON@mx.example.com", "postmaster@example.com", "Mail Delivery System <Mailer-Daemon@example.com>",
        "noreply@example.com", "<>", "not an address",
    ])
    func mailSystemsAndUnanswerableSendersAreAutomated(from: String) {
        let raw = "From: \(from)\r\nSubject: hello\r\n\r\nHello\r\n"
        #expect(IncomingMessage(Array(raw.utf8)).automatedBecause != nil)
    }

    @Test func aFormNotificationFromANoReplyAddressIsAnsweredAtItsReplyTo() {
        let raw = "From: Website <noreply@forms.example>\r\nReply-To: \"Doe, Jane\" <jane@example.com>\r\n\r\nHi\r\n"
        let message = IncomingMessage(Array(raw.utf8))
        #expect(message.automatedBecause == nil)
        #expect(message.replyTo?.address == "jane@example.com")
    }

    @Test func repliesNameTheMessagesTheyAnswer() {
        let raw = """
            From: =?iso-8859-1?q?Zo=E9?= <zoe@example.com>\r
            In-Reply-To: <k1.install@baton.local>\r
            References: <a@x> <b@y>\r
             <k1.install@baton.local>\r
            Message-ID:\r
              <m1@example.com>\r
            \r
            ok\r

            """
        let message = IncomingMessage(Array(raw.utf8))
        #expect(message.referencedIDs == ["<k1.install@baton.local>", "<b@y>", "<a@x>"])
        #expect(message.messageID == "<m1@example.com>")
        #expect(message.from?.name == "Zoé")
    }

    @Test func anIDWithAControlCharacterIsNoID() {
        for control in ["\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9B}"] {
            let raw = "From: a@example.com\r\nMessage-ID: <m\(control)1@example.com>\r\nReferences: <r\(control)@x> <ok@y>\r\n\r\nhi\r\n"
            let message = IncomingMessage(Array(raw.utf8))
            #expect(message.messageID == nil)
            #expect(message.referencedIDs == ["<ok@y>"])
        }
    }

    @Test(arguments: [
        ("utf-8", [0xC3, 0xA9] as [UInt8], "é", false), ("latin1", [0xE9], "é", false),
        ("iso-8859-15", [0xA4], "€", false), ("iso-8859-1", [0xA4], "¤", false), ("windows-1252", [0x80], "€", false),
        ("us-ascii", [0x41], "A", false), ("us-ascii", [0xE9], "é", true), ("x-unknown", [0xC3, 0xA9], "é", true),
        ("x-unknown", [0xE9], "é", true), ("utf-8", [0xFF], "\u{FFFD}", true),
    ])
    func charsets(label: String, bytes: [UInt8], text: String, noted: Bool) {
        let (read, note) = Charset.decode(bytes, charset: label)
        #expect(read == text)
        #expect((note != nil) == noted)
    }

    // MARK: Hostile input

    static let small = IncomingMessage.Limits(
        maxBytes: 1 << 20, maxParts: 50, maxDepth: 8, maxHeaders: 100, maxHeaderBytes: 4096, maxTextCharacters: 20_000)

    @Test func truncatedMessagesReadAsFarAsTheyGo() {
        var random = SplitMix(seed: 99)
        for generated in Self.generated(200) {
            let cut = random.below(generated.bytes.count + 1)
            let message = IncomingMessage(Array(generated.bytes.prefix(cut)), limits: Self.small)
            #expect(message.text.unicodeScalars.count <= Self.small.maxTextCharacters)
            #expect(message.attachments.count <= Self.small.maxParts)
        }
    }

    @Test func hostileMessagesAreReadWithinTheLimits() {
        var random = SplitMix(seed: 7)
        var nested = "From: a@example.com\r\n"
        for level in 0..<1000 {
            nested += "Content-Type: multipart/mixed; boundary=\"l\(level)\"\r\n\r\n--l\(level)\r\n"
        }
        nested += "Content-Type: text/plain\r\n\r\ndeep\r\n"
        let manyParts =
            "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=p\r\n\r\n"
            + String(repeating: "--p\r\nContent-Type: text/plain\r\n\r\nx\r\n", count: 5000) + "--p--\r\n"
        let hostile: [(String, [UInt8], (IncomingMessage) -> Bool)] = [
            ("nested 1000 deep", Array(nested.utf8), { $0.notes.contains { $0.contains("levels deep") } }),
            ("5000 parts", Array(manyParts.utf8), { $0.notes.contains { $0.contains("parts") } }),
            (
                "boundary missing",
                Array("From: a@example.com\r\nContent-Type: multipart/mixed\r\n\r\nhello\r\n".utf8),
                { $0.text == "hello\n" && !$0.notes.isEmpty }
            ),
            (
                "boundary never occurs",
                Array("From: a@example.com\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\nhello".utf8),
                { $0.text == "hello" && !$0.notes.isEmpty }
            ),
            (
                "no closing boundary",
                Array("Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n\r\nhello".utf8),
                { $0.text == "hello" && $0.notes.contains { $0.contains("closing") } }
            ),
            (
                "invalid base64",
                Array("Content-Transfer-Encoding: base64\r\n\r\naGVs!!bG8*\r\n====\r\nAAAA".utf8),
                { $0.text == "hello" && $0.notes.contains { $0.contains("base64") } }
            ),
            (
                "NULs everywhere",
                Array("Subject: a\0b\r\nFrom: a\0@example.com\r\n\r\nx\0y\r\n".utf8),
                { $0.subject == "a b" && $0.text == "x\0y\n" }
            ),
            (
                "10,000 header fields",
                Array((String(repeating: "X-A: b\r\n", count: 10_000) + "\r\nbody").utf8),
                { $0.fields.count == Self.small.maxHeaders && $0.text == "body" }
            ),
            (
                "a header of a megabyte, folded",
                Array(("Subject: " + String(repeating: "word\r\n ", count: 100_000) + "\r\n\r\nbody").utf8),
                { $0.subject.utf8.count <= Self.small.maxHeaderBytes && $0.text == "body" }
            ),
            (
                "a header line of two megabytes",
                Array(("Subject: " + String(repeating: "w", count: 2 << 20)).utf8),
                { $0.notes.contains { $0.contains("larger than") } }
            ),
            ("empty", [], { $0.text.isEmpty && $0.from == nil && $0.automatedBecause != nil }),
            ("only a line break", [13, 10], { $0.text.isEmpty }),
            (
                "random bytes",
                (0..<100_000).map { _ in UInt8(truncatingIfNeeded: random.next()) },
                { $0.text.unicodeScalars.count <= Self.small.maxTextCharacters }
            ),
            (
                "an HTML flood",
                Array(
                    ("Content-Type: text/html\r\n\r\n"
                        + String(repeating: "<a href=x><script>&#xFFFFFFFF;&amp", count: 20_000))
                        .utf8),
                { _ in true }
            ),
            (
                "encoded words that are not",
                Array("Subject: =?utf-8?B?=?=?x?Q?=ZZ?= =?utf-8?X?abc?= =?\r\n\r\n".utf8),
                { $0.subject == "=?utf-8?B?=?=?x?Q?=ZZ?= =?utf-8?X?abc?= =?" || !$0.subject.isEmpty }
            ),
        ]
        for (name, bytes, check) in hostile {
            let message = IncomingMessage(bytes, limits: Self.small)
            #expect(check(message), "\(name): \(message.notes) text \(message.text.prefix(80).debugDescription)")
            #expect(message.text.unicodeScalars.count <= Self.small.maxTextCharacters, "\(name)")
            #expect(message.fields.count <= Self.small.maxHeaders, "\(name)")
            #expect(message.fields.allSatisfy { $0.value.utf8.count <= Self.small.maxHeaderBytes * 3 }, "\(name)")
        }
    }
}

enum MIMEReaderTestsShared {
    static func isLetterOrDigit(_ byte: UInt8) -> Bool { MailAddress.isLetterOrDigit(byte) }
}
