import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// A lead picks one of the offered times: the scheduling agent books it and confirms, or offers others.
struct BookingTests {
    @Test func aChosenFreeTimeIsBookedAndConfirmedATakenOneGetsOtherTimes() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        let offered = try #require(try r.store.context(caseID: "lead-1").notes["scheduler"]?["slots"])
        let first = String(offered.split(separator: ",")[0])  // Monday 2 March, 10:00 in Edmonton
        #expect(first == "2026-03-02T17:00:00Z")

        try r.store.submit(type: "booking.requested", caseID: "lead-1", payload: ["start": first], producer: "intake")
        #expect(try await r.engine.runUntilIdle() == 2)  // booking.requested, meeting.booked
        let queued = try r.store.outbox().filter { $0.caseID == "lead-1" }.map(\.action)
        #expect(queued == ["crm.update", "email.send", "calendar.book", "email.send"])
        try await r.dispatcher.dispatch()
        let bookings = try r.store.bookings()
        #expect(bookings.count == 1)
        #expect(bookings.first?.start == ISO8601DateFormatter().date(from: first))
        #expect(bookings.first?.title == "Bow River Plumbing & Heating: Dana Lee")
        let confirmation = try #require(try emails(r).first { $0.contains("Subject: Booked:") })
        #expect(
            confirmation.contains(
                "Hi Dana Lee, you are booked for Monday March 2, 10:00 AM (America/Edmonton time), 60 minutes."))

        // Another lead asks for the same time: taken now, so other times are offered instead.
        var other = LeadFlowTests.lead
        other["email"] = "sam@example.com"
        try r.store.submit(type: "lead.received", caseID: "lead-2", payload: other, producer: "intake")
        try await r.engine.runUntilIdle()
        let secondOffer = try #require(try r.store.context(caseID: "lead-2").notes["scheduler"]?["slots"])
        #expect(!secondOffer.contains(first))  // the booked hour is busy in the built-in calendar
        try r.store.submit(type: "booking.requested", caseID: "lead-2", payload: ["start": first], producer: "intake")
        try await r.engine.runUntilIdle()
        let notes = try #require(try r.store.context(caseID: "lead-2").notes["scheduler"])
        #expect(notes["summary"] == "the time asked for is taken; offered 3 others")
        #expect(try r.store.outbox().filter { $0.caseID == "lead-2" && $0.action == "calendar.book" }.isEmpty)
    }

    @Test func aBookingRequestWithoutAValidTimeBooksNothing() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        try r.store.submit(
            type: "booking.requested", caseID: "lead-1", payload: ["start": "tomorrow"], producer: "intake")
        try await r.engine.runUntilIdle()
        #expect(
            try r.store.context(caseID: "lead-1").notes["scheduler"]?["summary"]
                == "the booking request has no valid start time")
        #expect(try r.store.outbox().filter { $0.action == "calendar.book" }.isEmpty)
    }

    /// The plumbing blueprint with the scheduler's settings changed by `change`.
    static func blueprint(_ change: (inout [String: SettingValue]) -> Void) throws -> Blueprint {
        var blueprint = try LeadFlowTests.blueprint()
        let index = try #require(blueprint.agents.firstIndex { $0.skill == "scheduling" })
        change(&blueprint.agents[index].settings)
        return blueprint
    }

    /// The first reply's body for a lead sent through `engine`.
    static func firstReply(_ store: RuntimeStore, _ engine: Engine) async throws -> String {
        try store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await engine.runUntilIdle()
        let json = try #require(try store.outbox().first { $0.action == "email.send" }?.payloadJSON)
        return try #require(try Approvals.payload(json)["body"])
    }

    @Test func theReplyLinksTheBusinesssOwnPageElseBatonsElseAsksForATime() async throws {
        let links = BookingLinks(publicURL: "https://book.example.com/", key: "k")
        // The business's own booking page wins, with or without Baton's.
        for served in [nil, links] {
            let r = try LeadFlowTests.runtime(
                Self.blueprint { $0["booking_url"] = .string("https://clienthub.getjobber.com/booking/bow-river") })
            defer { try? FileManager.default.removeItem(atPath: r.folder) }
            let engine = Engine(blueprint: r.engine.blueprint, store: r.store, bookingLinks: served)
            let body = try await Self.firstReply(r.store, engine)
            #expect(body.contains("\n\nBook one here: https://clienthub.getjobber.com/booking/bow-river\n\n"))
        }
        // Baton's page when it is served: the link's token opens to this case and no other.
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let body = try await Self.firstReply(
            r.store, Engine(blueprint: r.engine.blueprint, store: r.store, bookingLinks: links))
        let link = try #require(
            body.range(of: #"https://book\.example\.com/book/[A-Za-z0-9_-]+"#, options: .regularExpression))
        let token = String(body[link].split(separator: "/").last!)
        #expect(links.caseID(of: token, now: LeadFlowTests.monday) == .success("lead-1"))
        #expect(!token.contains("lead-1"))
        #expect(
            links.caseID(of: token, now: LeadFlowTests.monday.addingTimeInterval(15 * 86_400)) == .failure(.expired))
        #expect(try r.store.context(caseID: "lead-1").notes["scheduler"]?["booking"] == "booking page")
        // Never a link that goes nowhere: booking_link false, a booking_url that is no web address,
        // or nothing served — the lead is asked to answer with a time.
        let askForATime: [(Blueprint, BookingLinks?)] = [
            (try Self.blueprint { $0["booking_link"] = .bool(false) }, links),
            (try Self.blueprint { $0["booking_url"] = .string("javascript:alert(1)") }, nil),
            (try Self.blueprint { $0["booking_url"] = .string("https://x.example/a\nBcc: y@example.com") }, nil),
            (try Self.blueprint { $0["booking_url"] = .string("book.example.com") }, nil),
            (try LeadFlowTests.blueprint(), nil),
        ]
        for (blueprint, served) in askForATime {
            let r = try LeadFlowTests.runtime(blueprint)
            defer { try? FileManager.default.removeItem(atPath: r.folder) }
            let body = try await Self.firstReply(
                r.store, Engine(blueprint: blueprint, store: r.store, bookingLinks: served))
            #expect(body.contains("\n\nReply to this email with the time that suits you and we will book it.\n\n"))
            #expect(!body.contains("http") && !body.contains("javascript"), "\(body)")
        }
    }

    @Test func theConfirmationCarriesTheInvitationAndACaseIsBookedOnce() async throws {
        let r = try LeadFlowTests.runtime()
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        let offered = try #require(try r.store.context(caseID: "lead-1").notes["scheduler"]?["slots"])
            .split(separator: ",").map(String.init)
        // Two picks before the engine runs (a form sent twice with different times): one booking.
        for start in offered.prefix(2) {
            try r.store.submit(
                type: "booking.requested", caseID: "lead-1", payload: ["start": start], producer: "intake")
        }
        try await r.engine.runUntilIdle()
        try await r.dispatcher.dispatch()
        #expect(try r.store.bookings().count == 1)
        #expect(try r.store.outbox().filter { $0.action == "calendar.book" }.count == 1)
        #expect(
            try r.store.context(caseID: "lead-1").notes["scheduler"]?["summary"]
                == "already booked for \(offered[0]); the new request books nothing")
        let confirmations = try emails(r).filter { $0.contains("Subject: Booked:") }
        #expect(confirmations.count == 1)
        let mail = try #require(confirmations.first)
        #expect(mail.contains("Content-Type: multipart/mixed; boundary="))
        #expect(mail.contains("Content-Type: text/calendar; charset=utf-8; method=REQUEST; name=\"invite.ics\""))
        #expect(mail.contains("Content-Disposition: attachment; filename=\"invite.ics\""))
        let base64 = try #require(
            mail.components(separatedBy: "filename=\"invite.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\n").last
        )
        .components(separatedBy: "\r\n--").first!.replacingOccurrences(of: "\r\n", with: "")
        let ics = String(decoding: try #require(Data(base64Encoded: base64)), as: UTF8.self)
        #expect(ics.contains("METHOD:REQUEST\r\n"))
        #expect(ics.contains("DTSTART:20260302T170000Z\r\nDTEND:20260302T180000Z\r\n"))
        #expect(ics.contains("ORGANIZER:mailto:owner@example.com\r\n"))
        #expect(ics.contains("ATTENDEE;CN=\"Dana Lee\":mailto:dana@example.com\r\n"))
        #expect(ics.contains("UID:booking-lead-1."))
    }

    func emails(_ r: LeadFlowTests.Runtime) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: r.folder + "/outbox").filter { $0.hasSuffix(".eml") }
            .map { try String(contentsOfFile: r.folder + "/outbox/" + $0, encoding: .utf8) }
    }
}
