import BatonTestSupport
import Foundation
import Testing

@testable import Mail

/// An email with an attachment (the booking's invitation) as Python's `email` parser reads it:
/// the text and its HTML first, then the file, whole; hostile text in the invitation, its file name
/// or its media type adds no header, no part and no calendar property.
struct MailAttachmentTests {
    static let monday = Date(timeIntervalSince1970: 1_772_467_200)

    @Test func hostileInvitationsArriveWholeAndAddNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-attach-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var hostile = HostileText(seed: 2026)
        var invitations: [String: CalendarInvitation] = [:]
        for n in 0..<120 {
            let invitation = CalendarInvitation(
                uid: "booking-lead-\(n)\r\nATTENDEE:mailto:x@evil.example", start: Self.monday,
                end: Self.monday.addingTimeInterval(3600), summary: hostile.string(),
                attendee: "lead\(n)@example.com", attendeeName: hostile.string(), organizer: "office@example.com",
                method: "REQUEST")
            var attachment = invitation.attachment
            if n % 3 == 0 {
                // A caller's own name and type: cut down to what cannot leave its header.
                attachment = MailAttachment(
                    filename: "in\"vite\r\nBcc: x@evil.example.ics",
                    mediaType: "text/calendar; charset=utf-8\r\nBcc: x@evil.example",
                    bytes: attachment.bytes)
            }
            let email = OutgoingEmail(
                id: Int64(n), key: "\(n)-scheduler-email.send-1", from: "office@example.com",
                to: "lead\(n)@example.com", subject: "Booked: \(hostile.string())", text: hostile.string(),
                date: Self.monday, attachments: [attachment])
            let name = "\(n).eml"
            try Data(try MIMEMessage(email).bytes()).write(to: URL(fileURLWithPath: folder + "/" + name))
            invitations[name] = invitation
        }
        let parsed = try HostileMIMETests.parsedByPython(folder)
        #expect(parsed.count == invitations.count)
        for (name, record) in parsed {
            let n = Int(name.dropLast(4))!
            #expect(record["error"] == nil, "\(name): \(record["error"] ?? "")")
            #expect(record["defects"] as? [String] == [], "\(name)")
            #expect(record["recipients"] as? [String] == ["lead\(n)@example.com"], "\(name)")
            #expect(
                record["parts"] as? [String]
                    == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"],
                "\(name)")
            let contents = record["contents"] as? [String] ?? []
            let ics = (contents.last ?? "").replacingOccurrences(of: "\r\n", with: "\n")
            #expect(ics == invitations[name]!.text.replacingOccurrences(of: "\r\n", with: "\n"), "\(name)")
            // The calendar's own properties only, each once: nothing in the text started another.
            let unfolded = ics.replacingOccurrences(of: "\n ", with: "").split(separator: "\n")
            let properties = unfolded.map { String($0.prefix { $0 != ":" && $0 != ";" }) }
            #expect(
                properties == [
                    "BEGIN", "VERSION", "PRODID", "METHOD", "BEGIN", "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY",
                    "ORGANIZER", "ATTENDEE", "END", "END",
                ], "\(name): \(properties)")
        }
    }

    @Test func aMessageWithoutAttachmentsIsAsBefore() throws {
        let email = OutgoingEmail(
            id: 1, key: "1-scheduler-email.send-0", from: "office@example.com", to: "dana@example.com",
            subject: "Hello", text: "Hi Dana", date: Self.monday)
        let text = try MIMEMessage(email).text()
        #expect(!text.contains("multipart/mixed"))
        #expect(text.contains("Content-Type: multipart/alternative; boundary="))
    }
}
