import Blueprint
import Diagnostics
import Foundation
import Testing

/// `baton blueprint validate` on an IMAP inbox: what it cannot do without, and no password in the
/// clear to another machine.
struct IMAPInboxValidationTests {
    static func issues(_ inbox: String) -> [String] {
        let yaml = BlueprintValidationTests.base.replacingOccurrences(
            of: "  forms:\n", with: "  inbox:\n    kind: imap\n    settings:\n\(inbox)  forms:\n")
        return BlueprintValidationTests.check(yaml).filter { $0.severity == .error }.map(\.message)
    }

    @Test func aCompleteInboxIsValid() {
        #expect(
            Self.issues(
                "      host: imap.example.com\n      username: office\n      password: ${env:IMAP_PASSWORD}\n      tls: starttls\n"
            ) == [])
        #expect(
            Self.issues(
                "      host: 127.0.0.1\n      username: office\n      password: ${env:IMAP_PASSWORD}\n      tls: none\n"
            )
                == [])
    }

    @Test func missingSettingsAPlainPasswordAndALiteralSecretAreErrors() {
        let missing = Self.issues("      mailbox: INBOX\n")
        #expect(missing.contains { $0.contains("the IMAP inbox has no host") })
        #expect(missing.contains { $0.contains("the IMAP inbox has no username") })
        #expect(
            missing.contains { $0.contains("the IMAP inbox has no password; hint: password: ${env:IMAP_PASSWORD}") })
        let clear = Self.issues(
            "      host: imap.example.com\n      username: office\n      password: ${env:IMAP_PASSWORD}\n      tls: none\n"
        )
        #expect(clear.contains { $0.contains("tls: none would send the password in the clear to imap.example.com") })
        let unknown = Self.issues(
            "      host: imap.example.com\n      username: office\n      password: ${env:IMAP_PASSWORD}\n      tls: ssl\n"
        )
        #expect(unknown.contains { $0.contains("unknown IMAP tls 'ssl'") })
        let literal = Self.issues("      host: imap.example.com\n      username: office\n      password: hunter2\n")
        #expect(literal.contains { $0.contains("'password' holds a literal secret") })
    }
}
