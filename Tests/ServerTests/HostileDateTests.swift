import BatonTestSupport
import Blueprint
import Foundation
import GRDB
import Testing

@testable import Orchestrator
@testable import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Hundreds of generated hostile time strings through the parser, the intake and the scheduling
/// skill: never a crash, always either a valid time inside the window or a clear refusal.
@Suite(.serialized)
struct HostileDateTests {
    static let now = IntakeTests.now

    static func strings(_ count: Int, seed: UInt64) -> [String] {
        var generator = HostileDates(seed: seed)
        return HostileDates.classics + (0..<count).map { _ in generator.next() }
    }

    /// Foundation's own (lenient) reading, where it reads the string at all.
    static func foundation(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return plain.date(from: text) ?? fractional.date(from: text)
    }

    @Test func everyHostileTimeIsReadInsideTheWindowOrRefusedWithAReason() throws {
        var accepted = 0
        for text in Self.strings(600, seed: 13) {
            switch AcceptedTime.parse(text, now: Self.now) {
            case .success(let date):
                accepted += 1
                #expect(date >= AcceptedTime.earliest && date <= AcceptedTime.latest(now: Self.now), "\(text)")
                // What is accepted can be stored and read back: a four-digit year GRDB decodes.
                let stored = StoredDate.text(date)
                let read = try #require(Date.fromDatabaseValue(stored.databaseValue), "\(text) → \(stored)")
                #expect(abs(read.timeIntervalSince(date)) < 0.001, "\(text)")
                // Foundation, where it reads it, agrees; and nothing rolled over (no 30 February).
                if let lenient = Self.foundation(text) {
                    #expect(abs(lenient.timeIntervalSince(date)) < 0.001, "\(text)")
                }
                if text.uppercased().hasSuffix("Z"), !text.contains(".") {
                    let written = ISO8601DateFormatter().string(from: date)
                    #expect(written == text.uppercased(), "\(text) read as \(written)")
                }
            case .failure(let refusal):
                #expect(!refusal.reason.isEmpty, "\(text)")
            }
        }
        // The generator makes good times too, or the test proves only half.
        #expect(accepted > 30, "\(accepted) accepted")
    }

    @Test func theIntakeStoresAGoodTimeAndRefusesABadOneNamingTheField() async throws {
        try await IntakeTests.withIntake { base, store in
            var refused = 0
            for (index, text) in Self.strings(300, seed: 7).enumerated() {
                let key = index % 5 == 0 ? "due" : "start"
                let payload: [String: Any] = ["name": "Dana", "email": "dana@example.com", key: text]
                let body = try JSONSerialization.data(withJSONObject: ["type": "lead.received", "payload": payload])
                let (status, answer) = try await IntakeTests.post(
                    base, String(decoding: body, as: UTF8.self), headers: ["Authorization": "Bearer t0ken"])
                switch AcceptedTime.parse(text, now: Self.now, dateOnly: key == "due") {
                case .success:
                    #expect(status == 202, "\(text): \(answer)")
                    let id = try #require(Int64(answer["event"] as? String ?? ""))
                    #expect(try store.event(id)?.payload[key] as? String == text)
                case .failure(let refusal):
                    refused += 1
                    #expect(status == 422, "\(text): \(status) \(answer)")
                    #expect(answer["field"] as? String == "payload.\(key)", "\(text)")
                    #expect(answer["error"] as? String == "'payload.\(key)' \(refusal.reason)", "\(text)")
                }
            }
            #expect(refused > 100)
            // A number where a time belongs is refused too.
            let (status, answer) = try await IntakeTests.post(
                base, #"{"type": "lead.received", "payload": {"start": 1772467200}}"#,
                headers: ["Authorization": "Bearer t0ken"])
            #expect(status == 422 && answer["field"] as? String == "payload.start")
        }
    }

    /// Booking requests stored with hostile starts (as an older intake, or `baton event send`
    /// before this check, could have stored them): the skill books only times inside the window,
    /// and treats every other start as invalid input; the calendar stays readable.
    @Test func theSchedulingSkillBooksOnlyTimesInsideTheWindow() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-dates-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder, clock: { HostileDateTests.now })
        var blueprint = try BlueprintFile.load(
            path: BatonBinary.packageRoot.appendingPathComponent(
                "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"
            ).path)
        for index in blueprint.agents.indices { blueprint.agents[index].limits.actionsPerHour = 100_000 }
        let engine = Engine(blueprint: blueprint, store: store)
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "owner@example.com")
        // Free times in working hours, written four ways: these must be booked.
        let bookable = [
            "2026-03-03T17:00:00Z", "2026-03-04T11:00:00-07:00", "2026-03-05T18:00:00.000Z", "2026-03-06t19:00:00z",
        ]
        let strings = Self.strings(250, seed: 99) + bookable
        for index in strings.indices {
            try store.submit(
                type: "lead.received", caseID: "c\(index)",
                payload: ["name": "Lead \(index)", "email": "lead\(index)@example.com", "timeline": "asap"],
                producer: "intake")
        }
        try await engine.runUntilIdle()
        for (index, text) in strings.enumerated() {
            try store.submit(
                type: "booking.requested", caseID: "c\(index)", payload: ["start": text], producer: "intake")
        }
        try await engine.runUntilIdle()
        while try await dispatcher.dispatch() > 0 {}

        let books = try store.outbox().filter { $0.action == .calendarBook }
        let held = try store.approvals().filter { $0.action == .calendarBook }
        for (index, text) in strings.enumerated() {
            let notes = try store.context(caseID: "c\(index)").notes["scheduler"] ?? [:]
            if case .failure(let refusal) = AcceptedTime.parse(text, now: Self.now) {
                #expect(notes["summary"] == "the booking request has no valid start time", "\(text): \(notes)")
                #expect(notes["refused"] == "the start \(refusal.reason)", "\(text)")
                #expect(!books.contains { $0.caseID == "c\(index)" } && !held.contains { $0.caseID == "c\(index)" })
            }
        }
        for payload in books.map(\.payloadJSON) + held.map(\.proposedJSON) {
            let fields = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: String])
            for key in ["start", "end"] {
                #expect((try? AcceptedTime.parse(fields[key] ?? "", now: Self.now).get()) != nil, "\(payload)")
            }
        }
        // Good free times are booked, or the test proves only the refusals.
        for index in strings.indices.suffix(bookable.count) {
            #expect(books.contains { $0.caseID == "c\(index)" } || held.contains { $0.caseID == "c\(index)" })
        }
        // What was booked reads back.
        for booking in try store.bookings() {
            #expect(booking.start >= AcceptedTime.earliest && booking.end <= AcceptedTime.latest(now: Self.now))
        }
        // And a step that reads the calendar runs.
        try store.submit(
            type: "lead.received", caseID: "after", payload: ["name": "After", "email": "after@example.com"],
            producer: "intake")
        #expect(try await engine.runUntilIdle() > 0)
    }
}
