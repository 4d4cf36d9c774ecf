import Foundation
import Testing

@testable import Connectors

/// Reading busy times from iCalendar text.
struct ICalendarTests {
    static let edmonton = TimeZone(identifier: "America/Edmonton")!
    static var iso: ISO8601DateFormatter { ISO8601DateFormatter() }

    static func busy(_ body: String, from: String, to: String) throws -> [String] {
        let text =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + body.replacingOccurrences(of: "\n", with: "\r\n")
            + "END:VCALENDAR\r\n"
        return try ICalendar(text, timeZone: edmonton).busy(from: iso.date(from: from)!, to: iso.date(from: to)!)
            .map { "\(iso.string(from: $0.start))/\(iso.string(from: $0.end))" }
    }

    @Test func timesInUTCInAZoneFloatingAllDayAndByDuration() throws {
        let found = try Self.busy(
            """
            BEGIN:VEVENT
            UID:a
            DTSTART:20260302T170000Z
            DTEND:20260302T180000Z
            END:VEVENT
            BEGIN:VEVENT
            UID:b
            DTSTART;TZID=America/Edmonton:20260303T090000
            DURATION:PT1H30M
            END:VEVENT
            BEGIN:VEVENT
            UID:c
            DTSTART;VALUE=DATE:20260304
            END:VEVENT
            BEGIN:VEVENT
            UID:d
            DTSTART:20260305T100000
            DTEND:20260305T103000
            SUMMARY:a floating time, in the business's zone, with a folded
              summary line
            END:VEVENT
            BEGIN:VEVENT
            UID:e
            DTSTART:20260305T120000Z
            DTEND:20260305T130000Z
            TRANSP:TRANSPARENT
            END:VEVENT
            BEGIN:VEVENT
            UID:f
            DTSTART:20260305T140000Z
            DTEND:20260305T150000Z
            STATUS:CANCELLED
            END:VEVENT

            """, from: "2026-03-01T00:00:00Z", to: "2026-03-10T00:00:00Z")
        #expect(
            found == [
                "2026-03-02T17:00:00Z/2026-03-02T18:00:00Z",
                "2026-03-03T16:00:00Z/2026-03-03T17:30:00Z",  // 09:00 MST is 16:00 UTC
                "2026-03-04T07:00:00Z/2026-03-05T07:00:00Z",  // the whole local day
                "2026-03-05T17:00:00Z/2026-03-05T17:30:00Z",
            ])
    }

    @Test func aWeeklyMeetingKeepsItsLocalTimeAcrossDaylightSavingAndSkipsItsExceptions() throws {
        // Tuesdays and Thursdays at 09:00 Edmonton time; DST starts Sunday 8 March 2026; one Thursday cancelled.
        let found = try Self.busy(
            """
            BEGIN:VEVENT
            UID:staff
            DTSTART;TZID=America/Edmonton:20260303T090000
            DTEND;TZID=America/Edmonton:20260303T100000
            RRULE:FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260313T000000Z
            EXDATE;TZID=America/Edmonton:20260312T090000
            END:VEVENT
            BEGIN:VEVENT
            UID:standup
            DTSTART:20260302T150000Z
            DURATION:PT15M
            RRULE:FREQ=DAILY;INTERVAL=2;COUNT=3
            END:VEVENT

            """, from: "2026-03-01T00:00:00Z", to: "2026-03-20T00:00:00Z")
        #expect(
            found == [
                "2026-03-02T15:00:00Z/2026-03-02T15:15:00Z",
                "2026-03-03T16:00:00Z/2026-03-03T17:00:00Z",
                "2026-03-04T15:00:00Z/2026-03-04T15:15:00Z",
                "2026-03-05T16:00:00Z/2026-03-05T17:00:00Z",
                "2026-03-06T15:00:00Z/2026-03-06T15:15:00Z",
                "2026-03-10T15:00:00Z/2026-03-10T16:00:00Z",  // 09:00 MDT after the change
            ])
    }

    @Test func anEventWithoutAStartIsAnError() {
        #expect(throws: ICalendarError.self) {
            try Self.busy(
                "BEGIN:VEVENT\nUID:x\nSUMMARY:no start\nEND:VEVENT\n", from: "2026-03-01T00:00:00Z",
                to: "2026-03-02T00:00:00Z")
        }
    }

    @Test func aFeedFileIsReadAsBusyTimesAndAMissingOneIsSaid() async throws {
        let folder = temporaryFolder("baton-ics")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        BEGIN:VEVENT\r
        UID:x\r
        DTSTART:20260302T170000Z\r
        DTEND:20260302T190000Z\r
        END:VEVENT\r
        END:VCALENDAR\r

        """.write(toFile: folder + "/office.ics", atomically: true, encoding: .utf8)
        let feed = ICSFeedCalendar(source: folder + "/office.ics", timeZone: Self.edmonton)
        let busy = try await feed.busy(
            from: Self.iso.date(from: "2026-03-02T00:00:00Z")!, to: Self.iso.date(from: "2026-03-03T00:00:00Z")!)
        #expect(busy.map { Self.iso.string(from: $0.start) } == ["2026-03-02T17:00:00Z"])
        do {
            _ = try await ICSFeedCalendar(source: folder + "/missing.ics", timeZone: Self.edmonton).busy(
                from: Date(), to: Date())
            Issue.record("a missing calendar file must be an error")
        } catch {
            #expect("\(error)".hasPrefix("cannot read the calendar file \(folder)/missing.ics"))
        }
    }

    @Test func monthlyAndYearlyRepeatsAndMovedOrCancelledOccurrences() throws {
        let found = try Self.busy(
            """
            BEGIN:VEVENT
            UID:board
            DTSTART;TZID=America/Edmonton:20260302T140000
            DTEND;TZID=America/Edmonton:20260302T150000
            RRULE:FREQ=MONTHLY;COUNT=3
            END:VEVENT
            BEGIN:VEVENT
            UID:board
            RECURRENCE-ID;TZID=America/Edmonton:20260402T140000
            DTSTART;TZID=America/Edmonton:20260403T090000
            DTEND;TZID=America/Edmonton:20260403T100000
            END:VEVENT
            BEGIN:VEVENT
            UID:board
            RECURRENCE-ID;TZID=America/Edmonton:20260502T140000
            DTSTART;TZID=America/Edmonton:20260502T140000
            DTEND;TZID=America/Edmonton:20260502T150000
            STATUS:CANCELLED
            END:VEVENT
            BEGIN:VEVENT
            UID:inspection
            DTSTART:20250315T160000Z
            DURATION:PT2H
            RRULE:FREQ=YEARLY
            BEGIN:VALARM
            TRIGGER:-PT15M
            DURATION:PT5M
            END:VALARM
            END:VEVENT

            """, from: "2026-03-01T00:00:00Z", to: "2026-06-01T00:00:00Z")
        #expect(
            found == [
                "2026-03-02T21:00:00Z/2026-03-02T22:00:00Z",  // 14:00 MST
                "2026-03-15T16:00:00Z/2026-03-15T18:00:00Z",  // the yearly one, its alarm's DURATION ignored
                "2026-04-03T15:00:00Z/2026-04-03T16:00:00Z",  // April's moved to the 3rd, 09:00 MDT
            ])  // May's cancelled
    }
}
