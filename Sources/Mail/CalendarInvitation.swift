import Foundation

/// A meeting as iCalendar text (RFC 5545): what a calendar server stores for a booking (no
/// `METHOD`, RFC 4791 §4.1) and, with `method: "REQUEST"` and an organizer, the invitation
/// attached to the confirmation email (RFC 5546), which a mail reader offers to add to the lead's
/// calendar. Text from outside (a lead's name, a title) loses its control characters, so it
/// cannot start a property of its own; long lines are folded.
public struct CalendarInvitation: Sendable {
    public var uid: String
    public var start: Date
    public var end: Date
    public var summary: String
    public var attendee: String
    public var attendeeName: String
    /// The organizer's address (the sender), for an invitation.
    public var organizer: String?
    /// `REQUEST` for an invitation sent by email; nil for a calendar server's copy.
    public var method: String?

    public init(
        uid: String, start: Date, end: Date, summary: String, attendee: String, attendeeName: String,
        organizer: String? = nil, method: String? = nil
    ) {
        self.uid = uid
        self.start = start
        self.end = end
        self.summary = summary
        self.attendee = attendee
        self.attendeeName = attendeeName
        self.organizer = organizer
        self.method = method
    }

    /// The VCALENDAR with its one VEVENT, CRLF line ends.
    public var text: String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Baton//Orchestrator//EN"]
        if let method { lines.append("METHOD:\(Self.plain(method))") }
        lines += [
            "BEGIN:VEVENT", "UID:\(Self.plain(uid))@baton.local", "DTSTAMP:\(Self.utc(start))",
            "DTSTART:\(Self.utc(start))", "DTEND:\(Self.utc(end))", "SUMMARY:\(Self.escaped(Self.plain(summary)))",
        ]
        if let organizer { lines.append("ORGANIZER:mailto:\(Self.plain(organizer))") }
        lines.append(
            "ATTENDEE;CN=\"\(Self.plain(attendeeName).replacingOccurrences(of: "\"", with: "'"))\":mailto:\(Self.plain(attendee))"
        )
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.map(Self.folded).joined(separator: "\r\n") + "\r\n"
    }

    /// The invitation as an email attachment (`invite.ics`).
    public var attachment: MailAttachment {
        MailAttachment(
            filename: "invite.ics", mediaType: "text/calendar; charset=utf-8; method=\(method ?? "PUBLISH")",
            bytes: Array(text.utf8))
    }

    /// `20260302T160000Z`.
    public static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// The text without control characters (line breaks included): nothing can start a property.
    public static func plain(_ text: String) -> String {
        String(
            text.unicodeScalars.filter {
                $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) && $0.value != 0x2028
                    && $0.value != 0x2029
            }.map(Character.init))
    }

    /// RFC 5545 text: backslash, comma, semicolon and line breaks escaped.
    public static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Lines longer than 75 octets folded (RFC 5545 §3.1), never inside a character.
    public static func folded(_ line: String) -> String {
        var out = ""
        var width = 0
        for character in line {
            let size = character.utf8.count
            if width + size > 75 {
                out += "\r\n "
                width = 1
            }
            out.append(character)
            width += size
        }
        return out
    }
}
