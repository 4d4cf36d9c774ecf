import BatonTestSupport
import Blueprint
import Foundation
import Mail
import Testing

@testable import Connectors
@testable import Orchestrator

/// The CalDAV connector against a real CalDAV server (Radicale) started on loopback.
@Suite(.serialized)
struct CalDAVTests {
    static let edmonton = TimeZone(identifier: "America/Edmonton")!
    static var iso: ISO8601DateFormatter { ISO8601DateFormatter() }
    /// Monday 2 March 2026, 09:00 in Edmonton.
    static let monday = Date(timeIntervalSince1970: 1_772_467_200)

    /// Radicale with the user `baton` and a calendar holding a Monday-morning job and a weekly Tuesday meeting.
    static func server(_ folder: String) async throws -> (PythonPeer, URL) {
        let job = folder + "/job.ics"
        try """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//test//EN\r
        BEGIN:VEVENT\r
        UID:job-1\r
        DTSTAMP:20260301T000000Z\r
        DTSTART;TZID=America/Edmonton:20260302T100000\r
        DTEND;TZID=America/Edmonton:20260302T120000\r
        SUMMARY:Water heater install\r
        END:VEVENT\r
        END:VCALENDAR\r

        """.write(toFile: job, atomically: true, encoding: .utf8)
        let meeting = folder + "/meeting.ics"
        try """
        BEGIN:VCALENDAR\r
        VERSION:2.0\r
        PRODID:-//test//EN\r
        BEGIN:VEVENT\r
        UID:staff-1\r
        DTSTAMP:20260301T000000Z\r
        DTSTART;TZID=America/Edmonton:20260303T090000\r
        DTEND;TZID=America/Edmonton:20260303T100000\r
        RRULE:FREQ=WEEKLY;BYDAY=TU\r
        SUMMARY:Staff meeting\r
        END:VEVENT\r
        END:VCALENDAR\r

        """.write(toFile: meeting, atomically: true, encoding: .utf8)
        let peer = try await PythonPeer.start(
            "caldav_server.py", ["--folder", folder + "/dav", "--seed", job, "--seed", meeting])
        return (peer, URL(string: "http://127.0.0.1:\(peer.port)/baton/calendar/")!)
    }

    @Test func busyTimesAreReadAndABookedMeetingAppearsOnTheServerOnce() async throws {
        let folder = temporaryFolder("baton-caldav")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (server, url) = try await Self.server(folder)
        defer { server.stop() }
        let caldav = CalDAVCalendar(
            collection: url, username: "baton", password: "s3cret", timeZone: Self.edmonton,
            timeout: PeerTimeout.seconds)
        try await caldav.check()
        let busy = try await caldav.busy(
            from: Self.iso.date(from: "2026-03-01T00:00:00Z")!, to: Self.iso.date(from: "2026-03-15T00:00:00Z")!)
        #expect(
            busy.map { Self.iso.string(from: $0.start) } == [
                "2026-03-02T17:00:00Z",  // the job, 10:00 MST
                "2026-03-03T16:00:00Z",  // the staff meeting, 09:00 MST
                "2026-03-10T15:00:00Z",  // and 09:00 MDT after the change
            ])

        let appointment = Appointment(
            id: 1, key: "7-scheduler-calendar.book-0", start: Self.iso.date(from: "2026-03-05T17:00:00Z")!,
            end: Self.iso.date(from: "2026-03-05T18:00:00Z")!, title: "Bow River Plumbing & Heating: Dana Lee",
            attendee: "dana@example.com", attendeeName: "Dana Lee")
        #expect(await caldav.book([appointment]) == [1: .delivered])
        #expect(await caldav.book([appointment]) == [1: .delivered])  // a retry finds the first (412), no second event
        let stored = try await HTTPExchange(username: "baton", password: "s3cret", timeout: PeerTimeout.seconds)
            .send("GET", url.appendingPathComponent("7-scheduler-calendar.book-0.ics"))
        #expect(stored.status == 200)
        #expect(stored.text.contains("SUMMARY:Bow River Plumbing & Heating: Dana Lee"))
        #expect(stored.text.contains("ATTENDEE;CN=Dana Lee:mailto:dana@example.com"))  // as the server keeps it
        #expect(stored.text.contains("UID:7-scheduler-calendar.book-0@baton.local"))
        let after = try await caldav.busy(
            from: Self.iso.date(from: "2026-03-05T00:00:00Z")!, to: Self.iso.date(from: "2026-03-06T00:00:00Z")!)
        #expect(after.map { Self.iso.string(from: $0.start) } == ["2026-03-05T17:00:00Z"])
    }

    @Test func wrongCredentialsAndAMissingCalendarAreSaidClearly() async throws {
        let folder = temporaryFolder("baton-caldav")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (server, url) = try await Self.server(folder)
        defer { server.stop() }
        let wrong = CalDAVCalendar(
            collection: url, username: "baton", password: "nope", timeZone: Self.edmonton, timeout: PeerTimeout.seconds)
        await #expect(throws: (any Error).self) { try await wrong.check() }
        do { try await wrong.check() } catch {
            #expect("\(error)".contains("HTTP 401 (check the calendar connector's username and password)"))
        }
        let missing = CalDAVCalendar(
            collection: URL(string: "http://127.0.0.1:\(server.port)/baton/nothing/")!, username: "baton",
            password: "s3cret",
            timeZone: Self.edmonton, timeout: PeerTimeout.seconds)
        do {
            try await missing.check()
            Issue.record("a missing calendar must not pass the check")
        } catch {
            #expect("\(error)".contains("HTTP 404 (no such calendar"))
        }
    }

    @Test func theLeadFlowOffersTimesAroundTheServersBusyOnesAndBooksThere() async throws {
        let folder = temporaryFolder("baton-caldav-flow")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (server, url) = try await Self.server(folder)
        defer { server.stop() }
        let caldav = CalDAVCalendar(
            collection: url, username: "baton", password: "s3cret", timeZone: Self.edmonton,
            timeout: PeerTimeout.seconds)
        let store = try RuntimeStore(folder: folder + "/runtime", clock: { Self.monday })
        let blueprint = try SMTPDispatchTests.blueprint
        #expect(try await CalendarSync(store: store, calendar: caldav).refresh() == 4)  // the job and three Tuesdays
        let engine = Engine(blueprint: blueprint, store: store)
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint, email: EmlFolder(folder: folder + "/outbox"), calendar: caldav,
            from: "office@bowriver.example")
        try store.submit(
            type: "lead.received", caseID: "lead-1",
            payload: [
                "name": "Dana Lee", "email": "dana@example.com", "budget": "4000", "city": "Calgary",
                "timeline": "asap",
            ],
            producer: "intake")
        try await engine.runUntilIdle()
        // 09:00 is too soon; 10:00–12:00 is the job on the server: 12:00, 13:00, 14:00 are offered.
        let offered = try #require(try store.context(caseID: "lead-1").notes["scheduler"]?["slots"])
        #expect(offered == "2026-03-02T19:00:00Z,2026-03-02T20:00:00Z,2026-03-02T21:00:00Z")
        try store.submit(
            type: "booking.requested", caseID: "lead-1", payload: ["start": "2026-03-02T20:00:00Z"], producer: "intake")
        try await engine.runUntilIdle()
        try await dispatcher.dispatch()
        let day = try await caldav.busy(
            from: Self.iso.date(from: "2026-03-02T00:00:00Z")!, to: Self.iso.date(from: "2026-03-03T07:00:00Z")!)
        #expect(day.map { Self.iso.string(from: $0.start) } == ["2026-03-02T17:00:00Z", "2026-03-02T20:00:00Z"])
        #expect(try store.bookings().map(\.start) == [Self.iso.date(from: "2026-03-02T20:00:00Z")!])
        #expect(try store.outbox().filter { $0.action == "calendar.book" }.map(\.status) == [.sent])
    }

    @Test func anAttendeesNameCannotAddPropertiesToTheEvent() {
        let event = CalDAVCalendar.event(
            Appointment(
                id: 1, key: "k", start: Self.monday, end: Self.monday.addingTimeInterval(3600),
                title: "Visit\r\nATTENDEE:mailto:eve@evil.example", attendee: "dana@example.com",
                attendeeName: "Dana\r\nORGANIZER:mailto:eve@evil.example"))
        let lines = event.components(separatedBy: "\r\n")
        #expect(!lines.contains { $0.hasPrefix("ORGANIZER") || $0.hasPrefix("ATTENDEE:mailto:eve") })
        #expect(lines.filter { $0.hasPrefix("ATTENDEE") }.count == 1)
    }
}
