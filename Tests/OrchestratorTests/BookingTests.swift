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

    func emails(_ r: LeadFlowTests.Runtime) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: r.folder + "/outbox").filter { $0.hasSuffix(".eml") }
            .map { try String(contentsOfFile: r.folder + "/outbox/" + $0, encoding: .utf8) }
    }
}
