import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Connectors

/// What the IMAP client writes (strings, mailbox names, UID sets) and reads from its settings.
struct IMAPCommandTextTests {
    @Test(arguments: [
        ("INBOX", "INBOX"), ("Boîte", "Bo&AO4-te"), ("A & B", "A &- B"), ("日本語", "&ZeVnLIqe-"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"), ("😀", "&2D3eAA-"),
    ])
    func mailboxNamesInModifiedUTF7(name: String, encoded: String) {
        #expect(IMAPCommandText.mailboxName(name) == encoded)
    }

    /// Generated names: the encoding decodes back (by the RFC's rules) to the name, and holds only
    /// printable ASCII.
    @Test func generatedMailboxNamesRoundTrip() {
        var random = SplitMix(seed: 3501)
        let pieces = ["a", "Z", " ", "&", "-", "/", ".", "é", "ß", "€", "日", "😀", "\u{7F}", "~", ","]
        for _ in 0..<500 {
            let name = (0..<random.below(12)).map { _ in random.pick(pieces) }.joined()
            let encoded = IMAPCommandText.mailboxName(name)
            #expect(encoded.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F })
            #expect(Self.decodeModifiedUTF7(encoded) == name, "\(name.debugDescription) → \(encoded)")
        }
    }

    static func decodeModifiedUTF7(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            let dash = after.firstIndex(of: "-")!
            let chunk = after[..<dash]
            if chunk.isEmpty {
                result += "&"
            } else {
                var base64 = chunk.replacingOccurrences(of: ",", with: "/")
                while base64.count % 4 != 0 { base64 += "=" }
                let bytes = [UInt8](Data(base64Encoded: base64)!)
                let units = stride(from: 0, to: bytes.count - 1, by: 2).map {
                    UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1])
                }
                result += String(decoding: units, as: UTF16.self)
            }
            rest = after[after.index(after: dash)...]
        }
        return result + rest
    }

    @Test func stringsQuotedWhenTheyCanBeElseLiterals() throws {
        #expect(try IMAPCommandText.string("s3cret", what: "password") == .text("\"s3cret\""))
        #expect(try IMAPCommandText.string(#"a"b\c"#, what: "password") == .text(#""a\"b\\c""#))
        #expect(try IMAPCommandText.string("", what: "password") == .text("\"\""))
        #expect(try IMAPCommandText.string("mötör", what: "password") == .literal(Array("mötör".utf8)))
        #expect(try IMAPCommandText.string("two\r\nlines", what: "password") == .literal(Array("two\r\nlines".utf8)))
        #expect(throws: IMAPError.self) { try IMAPCommandText.string("nul\0", what: "password") }
    }

    @Test func uidSetsAreCompact() {
        #expect(IMAPCommandText.set([5, 1, 2, 3, 9, 10, 3]) == "1:3,5,9:10")
        #expect(IMAPCommandText.set([4_294_967_295, 0]) == "0,4294967295")
        #expect(IMAPCommandText.set([]) == "")
    }

    @Test func aFetchResponseWithALiteralAQuotedStringAndNIL() throws {
        let response = IMAPResponse(
            segments: [Array("* 12 FETCH (FLAGS (\\Seen) UID 7 BODY[]<0> {5}".utf8), Array(" X-GM NIL)".utf8)],
            literals: [Array("hello".utf8)])
        guard case .fetch(let sequence, let attributes) = try response.data() else {
            Issue.record("a FETCH expected")
            return
        }
        #expect(sequence == 12)
        #expect(attributes["UID"] == .atom("7"))
        #expect(attributes["BODY[]<0>"] == .string(Array("hello".utf8)))
        #expect(attributes["FLAGS"] == .list([.atom("\\Seen")]))
        #expect(attributes["X-GM"] == .nil)
        let status = IMAPResponse(segments: [Array("B3 NO [AUTHENTICATIONFAILED] Authentication failed.".utf8)])
        #expect(
            try status.data() == .status(condition: "NO", code: "AUTHENTICATIONFAILED", text: "Authentication failed."))
        #expect(status.kind == .tagged("B3"))
    }

    @Test func settingsFromTheBlueprint() throws {
        func settings(_ values: [String: SettingValue], environment: [String: String] = ["IMAP_PASSWORD": "pw"])
            -> ConnectorSettings
        {
            ConnectorSettings(path: "connectors.inbox.settings", values, environment: environment)
        }
        let base: [String: SettingValue] = [
            "host": .string("mail.example.com"), "username": .string("office"),
            "password": .string("${env:IMAP_PASSWORD}"),
        ]
        let implicit = try IMAPConfiguration(settings: settings(base))
        #expect(implicit.port == 993)
        #expect(implicit.security == .implicit)
        #expect(implicit.password == "pw")
        #expect(implicit.mailbox == "INBOX")
        #expect(IMAPInbox(implicit).name == "imap://office@mail.example.com:993/INBOX")
        var starttls = base
        starttls["tls"] = .string("starttls")
        starttls["idle"] = .bool(false)
        starttls["auth"] = .string("login")
        let upgraded = try IMAPConfiguration(settings: settings(starttls))
        #expect(upgraded.port == 143)
        #expect(upgraded.useIdle == false)
        #expect(upgraded.authentication == .login)
        // Plain text only to this machine.
        var plain = base
        plain["tls"] = .string("none")
        #expect(throws: ConnectorError.self) { try IMAPConfiguration(settings: settings(plain)) }
        plain["host"] = .string("127.0.0.1")
        #expect(try IMAPConfiguration(settings: settings(plain)).security == .none)
        // Wrong values say which setting.
        for (key, value) in [("tls", "ssl"), ("auth", "cram-md5"), ("idle", "maybe"), ("port", "99999")] {
            var wrong = base
            wrong[key] = .string(value)
            #expect {
                try IMAPConfiguration(settings: settings(wrong))
            } throws: { "\($0)".contains("connectors.inbox.settings.\(key)") }
        }
        #expect(throws: ConnectorError.self) { try IMAPConfiguration(settings: settings(base, environment: [:])) }
    }
}
