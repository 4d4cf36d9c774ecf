import BatonTestSupport
import Foundation
import Spawning
import Hashing
import Testing

@testable import Mail

/// Messages built from hostile text (a lead's name with line breaks, forged boundaries and headers,
/// controls, line separators, very long lines), read back by Python's `email` parser: no payload
/// adds a header, a recipient or a part, and the text arrives as written.
struct HostileMIMETests {
    static let monday = Date(timeIntervalSince1970: 1_772_467_200)

    /// The key the dispatcher gives an event's first email: known to whoever sent the event.
    static func key(_ event: Int) -> String { "\(event)-scheduler-email.send-0" }

    /// Pieces hostile names and texts are made of.
    static func pieces(key: String, _ random: inout SplitMix) -> [String] {
        let guessed = "=_baton_\(key)"  // the boundary as it used to be made
        let fakeHex = (0..<32).map { _ in String(random.below(16), radix: 16) }.joined()
        return [
            "Dana", "Zoé", "🙂", "e\u{301}", " ", "  ", "\t", "\r\n", "\n", "\r", "\r\n\r\n", "\n\n", "\r\r",
            "\u{2028}", "\u{2029}", "\u{85}", "\0", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1E}", "\u{7F}", "\u{9B}",
            "\u{1B}[2J", "--\(guessed)", "--\(guessed)--", "\r\n--\(guessed)\r\n", "\n--=_baton_\(fakeHex)\n",
            "--=_baton_", "=_", "=", "=3D", ".", "\r\n.\r\n", "\n.\n", "From ",
            "Content-Type: text/html; charset=utf-8", "\r\nContent-Type: text/html; charset=utf-8\r\n\r\n",
            "Content-Transfer-Encoding: 7bit", "MIME-Version: 1.0",
            "<p>Your invoice is overdue: pay at https://evil.example/pay</p>", "x\r\nBcc: evil@example.com",
            "\nBcc: evil@example.com\n", "\rTo: evil@example.com", "\r\nSubject: pwned", "Cc: evil@example.com",
            "=?UTF-8?B?\(Data("a\r\nBcc: evil@example.com".utf8).base64EncodedString())?=", "=?utf-8?q?x=0D=0AY?=",
            "\"", "\\", "<", ">", ",", ";", "@", "evil@example.com", "<evil@example.com>", "(comment)",
            String(repeating: "A", count: 1000 + random.below(3000)),
            String(repeating: "é", count: 500 + random.below(1000)),
            String(repeating: "ab ", count: 400), String(repeating: "=", count: 90),
        ]
    }

    /// The nine-kilobyte payload of issue 13: a text/html part of the attacker's, after a guessed boundary.
    static func invoicePayload(key: String) -> String {
        let part =
            "Dana\r\n\r\n--=_baton_\(key)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n<p>Your invoice is overdue: pay at https://evil.example/pay</p>\r\n"
        return part + String(repeating: "x", count: 9_000 - part.utf8.count)
    }

    struct Case {
        var email: OutgoingEmail
        /// The recipient the message must go to; nil when building must refuse the email.
        var recipient: String?
        var displayName: String
    }

    static func cases(_ count: Int) -> [Case] {
        var random = SplitMix(state: 13)
        return (0..<count).map { index in
            let event = index + 1
            let key = Self.key(event)
            let pieces = Self.pieces(key: key, &random)
            var name = (0..<(1 + random.below(8))).map { _ in random.pick(pieces) }.joined()
            if index % 25 == 0 { name = invoicePayload(key: key) }
            let subject = random.pick(["Your request, \(name)", name, "Booked: \(name)", "Réservé pour \(name)"])
            let text = random.pick([
                "Hi \(name), thanks for reaching out.\n\nBook one here: https://book.baton.local/lead-\(event)\n\n\(name)\nBow River",
                name, "\(name)\r\n\(name)\n", "Hello.\r\n\r\n\(name)\r\n",
            ])
            // Mostly a plain address; some carry the hostile name as display name, which is refused
            // when it holds a control character, a line break or an angle bracket, else kept as a name.
            var to = "dana@example.com"
            var recipient: String? = to
            var displayName = ""
            if index % 4 == 3 {
                to = "\(name) <dana@example.com>"
                let refused = name.unicodeScalars.contains {
                    $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029
                        || $0 == "<" || $0 == ">"
                }
                recipient = refused ? nil : "dana@example.com"
                var shown = Substring(name)
                while shown.first == " " { shown = shown.dropFirst() }
                while shown.last == " " { shown = shown.dropLast() }
                displayName = shown.count >= 2 && shown.first == "\"" && shown.last == "\"" ? "" : String(shown)
            }
            let email = OutgoingEmail(
                id: Int64(event), key: key, from: "Bow River Plumbing <office@bowriver.example>", to: to,
                subject: subject, text: text, date: monday.addingTimeInterval(Double(index)), origin: "install1")
            return Case(email: email, recipient: recipient, displayName: displayName)
        }
    }

    /// Reads every `*.eml` of `folder` with Python's `email` parser (`policy.default`), in one
    /// process; one JSON object per message.
    static func parsedByPython(_ folder: String) throws -> [String: [String: Any]] {
        let script = #"""
            import email, email.header, email.policy, json, os, sys
            folder = sys.argv[1]
            def clean(value):
                # Undecodable bytes (a broken message) shown as U+FFFD, so that the JSON stays valid.
                if isinstance(value, str):
                    try:
                        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                    except UnicodeError:
                        return value.encode("utf-8", "replace").decode("utf-8")
                if isinstance(value, list):
                    return [clean(v) for v in value]
                if isinstance(value, dict):
                    return {k: clean(v) for k, v in value.items()}
                return value
            for name in sorted(os.listdir(folder)):
                if not name.endswith(".eml"):
                    continue
                record = {"file": name}
                try:
                    with open(os.path.join(folder, name), "rb") as f:
                        msg = email.message_from_binary_file(f, policy=email.policy.default)
                    record["headers"] = list(msg.keys())
                    recipients = []
                    for field in ("To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"):
                        for value in msg.get_all(field) or []:
                            recipients += [a.addr_spec for a in value.addresses]
                    record["recipients"] = recipients
                    record["to_names"] = [a.display_name for a in msg["To"].addresses] if msg["To"] else []
                    # The name as RFC 2047 reads it (policy.default's address parser, in 3.11, puts a
                    # space between adjacent encoded words of a name, which the RFC says to ignore).
                    raw = "".join(v for k, v in msg.raw_items() if k == "To").replace("\r\n", "")
                    name = raw[: raw.rfind("<")].strip() if "<" in raw else ""
                    record["to_name_rfc2047"] = str(email.header.make_header(email.header.decode_header(name)))
                    record["from"] = [a.addr_spec for a in msg["From"].addresses] if msg["From"] else []
                    record["subject"] = str(msg["Subject"])
                    record["parts"] = [p.get_content_type() for p in msg.walk()]
                    record["contents"] = [p.get_content() for p in msg.walk() if not p.is_multipart()]
                    record["defects"] = [type(d).__name__ for p in msg.walk() for d in p.defects]
                except Exception as error:
                    record["error"] = repr(error)
                print(json.dumps(clean(record)))
            """#
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, folder]
        let output = Pipe()
        process.standardOutput = .pipe(output)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var records: [String: [String: Any]] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            records[try #require(record["file"] as? String)] = record
        }
        return records
    }

    static func lineFeeds(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// What a header shows of `value`: each control character or line separator a space, the ends trimmed.
    static func headerText(_ value: String) -> String {
        let spaced = String(
            String.UnicodeScalarView(
                value.unicodeScalars.map {
                    $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029
                        ? " " : $0
                }))
        return spaced.trimmingCharacters(in: CharacterSet(charactersIn: " "))
    }

    @Test func noHostilePayloadAddsAHeaderARecipientOrAPart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-mime-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases = Self.cases(400)
        var built: [String: Case] = [:]
        for (index, item) in cases.enumerated() {
            for eightBit in [true, false] {
                let message: [UInt8]
                do {
                    message = try MIMEMessage(item.email).bytes(eightBit: eightBit)
                } catch {
                    #expect(item.recipient == nil, "case \(index): refused \(error)")
                    continue
                }
                #expect(item.recipient != nil, "case \(index): a doubtful address was accepted")
                #expect(
                    try MIMEMessage(item.email).bytes(eightBit: eightBit) == message, "case \(index): not deterministic"
                )
                // Every line ends CRLF, no bare CR or LF, none longer than SMTP allows.
                for (offset, byte) in message.enumerated() where byte == 13 {
                    #expect(offset + 1 < message.count && message[offset + 1] == 10, "case \(index): bare CR")
                }
                for (offset, byte) in message.enumerated() where byte == 10 {
                    #expect(offset > 0 && message[offset - 1] == 13, "case \(index): bare LF")
                }
                #expect(message.split(separator: 10).allSatisfy { $0.count <= 999 }, "case \(index): a line over 998")
                if !eightBit { #expect(message.allSatisfy { $0 < 0x80 }, "case \(index): 8-bit without 8BITMIME") }
                let file = "\(index)-\(eightBit ? 8 : 7).eml"
                try Data(message).write(to: URL(fileURLWithPath: folder + "/" + file))
                built[file] = item
            }
        }
        #expect(built.count > 500)  // most cases make a message (some are refused, by design)

        let records = try Self.parsedByPython(folder)
        #expect(records.count == built.count)
        for (file, item) in built {
            guard let record = records[file] else {
                Issue.record("\(file) not read")
                continue
            }
            #expect(record["error"] == nil, "\(file): \(record["error"] ?? "")")
            #expect(
                record["headers"] as? [String]
                    == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"], "\(file)")
            #expect(record["recipients"] as? [String] == item.recipient.map { [$0] }, "\(file)")
            #expect(record["from"] as? [String] == ["office@bowriver.example"], "\(file)")
            #expect(record["parts"] as? [String] == ["multipart/alternative", "text/plain", "text/html"], "\(file)")
            #expect(record["defects"] as? [String] == [], "\(file)")
            #expect(record["subject"] as? String == Self.headerText(item.email.subject), "\(file)")
            if !item.displayName.isEmpty {
                let noSpaces = { (text: String) in text.filter { $0 != " " } }
                #expect((record["to_names"] as? [String])?.map(noSpaces) == [noSpaces(item.displayName)], "\(file)")
                #expect(record["to_name_rfc2047"] as? String == item.displayName, "\(file)")
            }
            let contents = record["contents"] as? [String] ?? []
            guard contents.count == 2 else {
                Issue.record("\(file): \(contents.count) parts with content")
                continue
            }
            let text = Self.lineFeeds(item.email.text)
            #expect(Self.lineFeeds(contents[0]) == text, "\(file): the text part changed")
            #expect(Self.lineFeeds(contents[1]) == MIMEMessage.html(fromText: text), "\(file): the HTML part changed")
        }
    }

    /// The refused: an address that is not one plain address never becomes a message (nor a file).
    @Test(arguments: [
        "dana@example.com\r\nBcc: evil@example.com", "dana@example.com\nBcc: evil@example.com", "dana@example.com\r",
        "dana@example.com, evil@example.com", "dana@example.com,evil@example.com",
        "<dana@example.com>, evil@example.com",
        "Dana <dana@example.com>, <evil@example.com>", "Dana <dana@example.com> evil@example.com",
        "Dana <evil@example.com> <dana@example.com>", "dana@example.com>", "<dana@example.com",
        "Dana\r\n <dana@example.com>", "Dana\u{2028}Bcc: evil@example.com <dana@example.com>", "dana@exa\0mple.com",
        "dana@example.com\u{85}", "\"dana\"@example.com", "dana@@example.com", "dana@example.com@evil.example",
        "dana @example.com", "dana@[127.0.0.1]", "dana@-example.com", "dana@example..com", ".dana@example.com",
        "da..na@example.com", "danä@example.com", "dana@exämple.com", "", "dana", "@example.com", "dana@",
        "dana@example.com;evil@example.com", "dana(evil@example.com)@example.com",
    ])
    func aDoubtfulAddressIsRefusedNotRepaired(_ address: String) throws {
        let email = OutgoingEmail(
            id: 1, key: "k-1", from: "office@example.com", to: address, subject: "Hi", text: "Hello.",
            date: Self.monday)
        #expect(throws: MIMEError.self) { try MIMEMessage(email).text() }
        #expect((try? MailAddress(address)) == nil)
        // Nor the sender's.
        let fromItself = OutgoingEmail(
            id: 1, key: "k-1", from: address, to: "dana@example.com", subject: "Hi", text: "Hello.", date: Self.monday)
        #expect(throws: MIMEError.self) { try MIMEMessage(fromItself).text() }

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-eml-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let outcomes = EmlFolder(folder: root).deliver([email])
        guard case .dead(let reason) = outcomes[1] else {
            Issue.record("not dead-lettered: \(String(describing: outcomes[1]))")
            return
        }
        #expect(reason.hasPrefix("the To address "))
        #expect(
            !reason.contains("\r") && !reason.contains("\n") && !reason.contains("\0"), "\(reason.debugDescription)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
    }

    @Test(arguments: [
        ("dana@example.com", "", "dana@example.com"), ("  dana@example.com ", "", "dana@example.com"),
        ("Dana Lee <dana@example.com>", "Dana Lee", "dana@example.com"),
        ("\"Lee, Dana\" <dana@example.com>", "Lee, Dana", "dana@example.com"),
        ("Zoé <zoe@example.com>", "Zoé", "zoe@example.com"), ("<dana@example.com>", "", "dana@example.com"),
        ("bench@localhost", "", "bench@localhost"),
        ("o'brien+lead@mail.example.co.uk", "", "o'brien+lead@mail.example.co.uk"),
    ])
    func aPlainAddressIsKept(_ text: String, _ name: String, _ address: String) throws {
        let parsed = try MailAddress(text)
        #expect(parsed.name == name && parsed.address == address)
    }

    @Test func theBoundaryIsDrawnAgainWhenAPartHoldsIt() {
        // A derivation whose first two boundaries are planted in the parts: the third is taken.
        let planted = [UInt8](repeating: 0xAB, count: 32)
        let plantedAgain = [UInt8](repeating: 0xCD, count: 32)
        let first = Array("=_baton_".utf8) + Array(String(repeating: "ab", count: 16).utf8)
        let second = Array("=_baton_".utf8) + Array(String(repeating: "cd", count: 16).utf8)
        var asked: [Int] = []
        let boundary = MIMEMessage.boundary(avoiding: [Array("x\r\n--".utf8) + first, Array("y ".utf8) + second]) {
            asked.append($0)
            return $0 == 0 ? planted : $0 == 1 ? plantedAgain : [UInt8](repeating: 0x01, count: 32)
        }
        #expect(asked == [0, 1, 2])
        #expect(boundary == Array("=_baton_".utf8) + Array(String(repeating: "01", count: 16).utf8))
    }

    @Test func theBoundaryDependsOnTheContentNotOnlyOnTheKey() throws {
        func boundary(_ text: String) throws -> String {
            let message = try MIMEMessage(
                OutgoingEmail(
                    id: 1, key: "7-scheduler-email.send-0", from: "o@example.com", to: "d@example.com", subject: "s",
                    text: text, date: Self.monday)
            ).text()
            let start = try #require(message.range(of: "boundary=\"")).upperBound
            return String(message[start...].prefix { $0 != "\"" })
        }
        let boundaries = try Set((0..<50).map { try boundary("Hello \($0).") })
        #expect(boundaries.count == 50)
        #expect(boundaries.allSatisfy { $0.hasPrefix("=_baton_") && $0.count == 40 && !$0.contains("7-scheduler") })
        #expect(try boundary("Hello 1.") == boundary("Hello 1."))
    }

    /// The hand-made SHA-256 agrees with Python's hashlib on every length around the block size.
    @Test func theBoundaryDigestIsSHA256() throws {
        var random = SplitMix(state: 256)
        let inputs =
            (0..<200).map { length in (0..<length).map { _ in UInt8(random.below(256)) } }
            + [[UInt8](repeating: 0x61, count: 1_000_000)]
        let hex = inputs.map { $0.map { String(format: "%02x", $0) }.joined() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("baton-sha-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try hex.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import hashlib,sys\nfor l in open(sys.argv[1]).read().split('\\n'): print(hashlib.sha256(bytes.fromhex(l)).hexdigest())",
            file,
        ]
        let output = Pipe()
        process.standardOutput = .pipe(output)
        try process.run()
        let expected = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        process.waitUntilExit()
        #expect(expected.count == inputs.count)
        for (input, digest) in zip(inputs, expected) {
            #expect(SHA256.hash(input).map { String(format: "%02x", $0) }.joined() == digest, "length \(input.count)")
        }
        // Fed in pieces, the same digest.
        var hasher = SHA256()
        for piece in inputs.prefix(120) { hasher.update(piece) }
        #expect(hasher.finalize() == SHA256.hash(inputs.prefix(120).flatMap { $0 }))
    }

    /// The date written by hand is the one a formatter writes, for dates over four centuries.
    @Test func theDateIsWhatAFormatterWrites() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var random = SplitMix(state: 5322)
        let dates =
            [0, -1, 86_399, 86_400, 951_782_400, 4_107_542_399, 1_772_467_200.999, -0.5, 253_402_300_799]
            .map(Date.init(timeIntervalSince1970:))
            + (0..<600).map { _ in
                Date(timeIntervalSince1970: Double(Int64(random.below(12_000_000_000)) - 2_000_000_000) + 0.25)
            }
        for date in dates {
            var out: [UInt8] = []
            MIMEMessage.appendDate(date, to: &out)
            #expect(
                String(decoding: out, as: UTF8.self) == formatter.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }
}
