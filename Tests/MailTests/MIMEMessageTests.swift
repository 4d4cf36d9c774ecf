import Foundation
import Testing

@testable import Mail

/// The MIME messages the outbox and SMTP carry.
struct MIMEMessageTests {
    static func email(subject: String = "Hello", text: String) -> OutgoingEmail {
        OutgoingEmail(
            id: 1, key: "k-1", from: "office@example.com", to: "dana@example.com", subject: subject, text: text,
            date: Date(timeIntervalSince1970: 1_772_467_200))
    }

    @Test func everyLineBreakBecomesCRLFSoNoBareCRCanEndTheMessageEarly() throws {
        let text = try MIMEMessage(Self.email(text: "one\rtwo\n.\r\nthree\r.\rfour")).text()
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() where byte == 13 {
            #expect(index + 1 < bytes.count && bytes[index + 1] == 10, "a CR without LF at \(index)")
        }
        for (index, byte) in bytes.enumerated() where byte == 10 {
            #expect(index > 0 && bytes[index - 1] == 13, "an LF without CR at \(index)")
        }
        #expect(text.contains("one\r\ntwo\r\n.\r\nthree\r\n.\r\nfour"))
    }

    @Test func aNonASCIISubjectIsEncodedAndLongLinesAreQuotedPrintable() throws {
        let long = String(repeating: "é", count: 600)
        let text = try MIMEMessage(Self.email(subject: "Réservé pour vous", text: long)).text(eightBit: true)
        #expect(text.contains("Subject: =?UTF-8?B?\(Data("Réservé pour vous".utf8).base64EncodedString())?="))
        #expect(text.contains("Content-Transfer-Encoding: quoted-printable"))  // 1,200 bytes: too long for 8bit
        #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(text.contains("Message-ID: <k-1@baton.local>"))
    }
}
