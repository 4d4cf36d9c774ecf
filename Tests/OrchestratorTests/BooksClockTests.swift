import Blueprint
import Foundation
import GRDB
import Testing

@testable import Orchestrator

/// The books clock on an injected clock: reminders on the right local mornings across a
/// daylight-saving change, once per invoice and step (also after a restart), and none once paid.
struct BooksClockTests {
    final class Clock: @unchecked Sendable {
        // @unchecked: only the test's own task moves it, between store calls.
        var now: Date
        init(_ now: Date) { self.now = now }
    }

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// A small business in Denver whose invoice agent chases at 3, 10 and 30 days, every day of the week.
    static func blueprint(offerPlan: Bool = false) throws -> Blueprint {
        var b = try SupportTriageTests.dental()
        b.business.timeZone = "America/Denver"
        b.business.workingHours.days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        b.approvals.removeAll { $0.action == "email.send" }
        let index = try #require(b.agents.firstIndex { $0.skill == "invoice_reminders" })
        b.agents[index].settings["reminder_days"] = .list([.number(3), .number(10), .number(30)])
        b.agents[index].settings["offer_payment_plan"] = .bool(offerPlan)
        b.agents[index].limits.actionsPerHour = 1000
        return b
    }

    static func invoice(
        _ number: String, due: LocalDate, status: Invoice.Status = .open, email: String? = "pat@example.com"
    )
        -> Invoice
    {
        Invoice(
            number: number, customer: "Pat Doe", email: email, issued: nil, due: due, total: 1200,
            balance: status == .open ? 1200 : 0, currency: "USD", status: status, source: "xero")
    }

    @Test func stepsFallOnTheLocalMorningAcrossDaylightSaving() throws {
        let chase = InvoiceChase(
            daysOverdue: [3, 10, 30], timeZone: TimeZone(identifier: "America/Denver")!, time: "09:00")
        // Due Friday 6 March 2026 (MST, UTC-7); clocks go forward on Sunday 8 March (MDT, UTC-6).
        let march = LocalDate(year: 2026, month: 3, day: 6)!
        #expect(chase.time(ofStep: 0, dueOn: march) == Self.utc("2026-03-06T16:00:00Z"))
        #expect(chase.time(ofStep: 3, dueOn: march) == Self.utc("2026-03-09T15:00:00Z"))
        #expect(chase.time(ofStep: 10, dueOn: march) == Self.utc("2026-03-16T15:00:00Z"))
        #expect(chase.time(ofStep: 30, dueOn: march) == Self.utc("2026-04-05T15:00:00Z"))
        // Due Friday 30 October 2026 (MDT); clocks go back on Sunday 1 November (MST).
        let october = LocalDate(year: 2026, month: 10, day: 30)!
        #expect(chase.time(ofStep: 0, dueOn: october) == Self.utc("2026-10-30T15:00:00Z"))
        #expect(chase.time(ofStep: 3, dueOn: october) == Self.utc("2026-11-02T16:00:00Z"))
        // A day off moves a reminder to the next working day, at the same local time.
        let weekdays = InvoiceChase(
            daysOverdue: [1], timeZone: TimeZone(identifier: "America/Denver")!, time: "08:30", workingDays: Set(2...6))
        #expect(weekdays.time(ofStep: 1, dueOn: march) == Self.utc("2026-03-09T14:30:00Z"))  // Saturday → Monday
    }

    @Test func theLatestStepDueIsRaisedOnceAndNeverAnEarlierOne() throws {
        let chase = InvoiceChase(
            daysOverdue: [3, 10, 30], timeZone: TimeZone(identifier: "America/Denver")!, time: "09:00")
        let invoice = Self.invoice("A", due: LocalDate(year: 2026, month: 3, day: 6)!)
        #expect(chase.step(for: invoice, chased: nil, at: Self.utc("2026-03-06T15:59:00Z")) == nil)
        #expect(chase.step(for: invoice, chased: nil, at: Self.utc("2026-03-06T16:00:00Z")) == 0)
        #expect(chase.step(for: invoice, chased: 0, at: Self.utc("2026-03-09T14:59:00Z")) == nil)
        #expect(chase.step(for: invoice, chased: 0, at: Self.utc("2026-03-09T15:00:00Z")) == 3)
        // Stopped for weeks: the latest step only.
        #expect(chase.step(for: invoice, chased: 0, at: Self.utc("2026-04-20T15:00:00Z")) == 30)
        #expect(chase.step(for: invoice, chased: 30, at: Self.utc("2026-12-20T15:00:00Z")) == nil)
        var paid = invoice
        paid.status = .paid
        #expect(chase.step(for: paid, chased: 0, at: Self.utc("2026-04-20T15:00:00Z")) == nil)
    }

    /// Hours from `start` to `end`, the clock moved an hour at a time, the books clock, the engine
    /// and the dispatcher run at each: the reminder emails by the UTC time they were written.
    static func run(
        _ store: RuntimeStore, _ clock: Clock, _ blueprint: Blueprint, folder: String, until end: Date
    ) async throws -> [(at: Date, body: String)] {
        let books = BooksClock(blueprint: blueprint, store: store)
        let engine = Engine(blueprint: blueprint, store: store)
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "owner@example.com")
        var written: [(at: Date, body: String)] = []
        // Emails written by an earlier run are not this one's.
        var seen = Set((try? FileManager.default.contentsOfDirectory(atPath: folder + "/outbox")) ?? [])
        while clock.now <= end {
            try await books.run()
            try await engine.runUntilIdle()
            try await dispatcher.dispatch()
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/outbox")) ?? []
            for name in names.sorted() where name.hasSuffix(".eml") && seen.insert(name).inserted {
                written.append((clock.now, try String(contentsOfFile: folder + "/outbox/" + name, encoding: .utf8)))
            }
            clock.now = clock.now.addingTimeInterval(3600)
        }
        return written
    }

    @Test func remindersGoOnTheirLocalMorningsAndStopWhenPaid() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-books-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = Clock(Self.utc("2026-03-05T00:00:00Z"))
        let blueprint = try Self.blueprint()
        var store = try RuntimeStore(folder: folder, clock: { clock.now })
        let march = LocalDate(year: 2026, month: 3, day: 6)!
        _ = try await store.importInvoices(
            [
                Self.invoice("A", due: march), Self.invoice("B", due: march),
                Self.invoice("C", due: march, status: .draft),
            ],
            at: clock.now)
        var sent = try await Self.run(store, clock, blueprint, folder: folder, until: Self.utc("2026-03-10T00:00:00Z"))
        // Due date 09:00 MST (16:00Z) and 3 days later 09:00 MDT (15:00Z), for A and B; never the draft C.
        #expect(
            sent.map(\.at) == [
                Self.utc("2026-03-06T16:00:00Z"), Self.utc("2026-03-06T16:00:00Z"),
                Self.utc("2026-03-09T15:00:00Z"), Self.utc("2026-03-09T15:00:00Z"),
            ])
        #expect(sent[0].body.contains("is due today") && sent[2].body.contains("3 days ago"))
        #expect(sent.allSatisfy { $0.body.contains("1,200.00 USD") })
        // A restart (the store opened again, the raised steps read back) raises nothing twice.
        store = try RuntimeStore(folder: folder, clock: { clock.now })
        // B is paid: its later reminders never go; A's do, on their mornings, in a firmer tone.
        let outcome = try await store.importInvoices(
            [Self.invoice("A", due: march), Self.invoice("B", due: march, status: .paid)], at: clock.now)
        #expect(outcome.settled == ["B"] && outcome.unchanged == 1)
        sent = try await Self.run(store, clock, blueprint, folder: folder, until: Self.utc("2026-04-06T00:00:00Z"))
        #expect(sent.map(\.at) == [Self.utc("2026-03-16T15:00:00Z"), Self.utc("2026-04-05T15:00:00Z")])
        #expect(sent[0].body.contains("10 days overdue") && sent[1].body.contains("Final notice"))
        #expect(sent.allSatisfy { $0.body.contains("invoice A") })
        let keys = try await store.database.read {
            try String.fetchAll($0, sql: "SELECT idempotency_key FROM event WHERE producer = 'books' ORDER BY id")
        }
        #expect(keys == ["books:A:0", "books:B:0", "books:A:3", "books:B:3", "books:A:10", "books:A:30"])
        // The ledger holds B's payment; the report says what is owed, chased and settled.
        let ledger = try await store.database.read { try String.fetchAll($0, sql: "SELECT vendor FROM ledger") }
        #expect(ledger == ["Pat Doe (invoice B paid)"])
        let books = try await BooksDay(
            store, blueprint: blueprint, from: Self.utc("2026-03-09T00:00:00Z"), to: Self.utc("2026-04-06T00:00:00Z"))
        #expect(books.outstanding == ["1 invoice owed: 1,200.00 USD (1 overdue)"])
        #expect(
            books.chased == [
                "A Pat Doe, 1,200.00 USD: 3 days overdue, reminded",
                "B Pat Doe, 1,200.00 USD: 3 days overdue, reminded",
                "A Pat Doe, 1,200.00 USD: 10 days overdue, reminded",
                "A Pat Doe, 1,200.00 USD: 30 days overdue, reminded",
            ])
        #expect(books.paid == ["B Pat Doe, 1,200.00 USD: paid"])
    }

    @Test func aPaymentCancelsAReminderStillPending() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-books-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = Clock(Self.utc("2026-03-06T16:00:00Z"))
        let store = try RuntimeStore(folder: folder, clock: { clock.now })
        let blueprint = try Self.blueprint()
        let due = LocalDate(year: 2026, month: 3, day: 6)!
        _ = try await store.importInvoices([Self.invoice("A", due: due)], at: clock.now)
        try await BooksClock(blueprint: blueprint, store: store).run()
        // Raised, not yet processed: the payment arrives first.
        let outcome = try await store.importInvoices([Self.invoice("A", due: due, status: .paid)], at: clock.now)
        #expect(outcome.cancelled == 1)
        try await Engine(blueprint: blueprint, store: store).runUntilIdle()
        #expect(try store.outbox().isEmpty)
        // Processed and queued, then paid: the queued reminder is cancelled, never sent.
        _ = try await store.importInvoices([Self.invoice("B", due: due)], at: clock.now)
        try await BooksClock(blueprint: blueprint, store: store).run()
        try await Engine(blueprint: blueprint, store: store).runUntilIdle()
        #expect(try store.outbox().map(\.status) == [.queued])
        _ = try await store.importInvoices([Self.invoice("B", due: due, status: .voided)], at: clock.now)
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "o@example.com")
        #expect(try await dispatcher.dispatch() == 0)
        #expect(try store.outbox().map(\.status) == [.cancelled])
        // The running counts follow the cancelled event: /metrics says what a recount says.
        let text = try await RuntimeMetrics.prometheus(store)
        let events = try store.events()
        #expect(events.filter { $0.status == .cancelled }.count == 1)
        #expect(text.contains("baton_events_total \(events.count)\n"))
        #expect(text.contains("baton_events{status=\"cancelled\"} 1\n"))
    }

    @Test func aReminderOfferingAPaymentPlanWaitsForAPerson() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-books-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clock = Clock(Self.utc("2026-04-05T15:00:00Z"))
        let store = try RuntimeStore(folder: folder, clock: { clock.now })
        let blueprint = try Self.blueprint(offerPlan: true)
        _ = try await store.importInvoices(
            [
                Self.invoice("A", due: LocalDate(year: 2026, month: 3, day: 6)!),
                Self.invoice("B", due: LocalDate(year: 2026, month: 3, day: 26)!),
            ], at: clock.now)
        try await BooksClock(blueprint: blueprint, store: store).run()
        try await Engine(blueprint: blueprint, store: store).runUntilIdle()
        // A is 30 days overdue: its final notice offers a plan and waits; B (10 days) goes.
        #expect(try store.approvals().map(\.caseID) == ["invoice-A"])
        #expect(try store.outbox().filter { $0.action == "email.send" }.map(\.caseID) == ["invoice-B"])
        for (text, offer) in [
            ("We can offer a 10% discount if you pay this week.", "a discount"),
            ("Happy to set up a payment plan.", "a payment plan"),
            ("You could pay in three instalments.", "a payment plan"),
            ("We will write off the remaining balance.", "a write-off"), ("We can waive the late fee.", "a write-off"),
            ("Please pay within 7 days.", nil), ("A friendly reminder that invoice 12 is due.", nil),
        ] as [(String, String?)] {
            #expect(ActionKind.concession(in: ["body": text]) == offer, "\(text)")
            let gate = PolicyGate(blueprint: blueprint)
            let agent = try #require(blueprint.agents.first { $0.skill == "invoice_reminders" })
            let decision = gate.decide(
                ProposedAction(kind: .emailSend, payload: ["to": "a@example.com", "body": text], reason: ""), by: agent,
                firstContact: false)
            #expect((decision == .allow) == (offer == nil), "\(text)")
        }
    }

    @Test func reminderSettingsAreCheckedAndDefaulted() throws {
        #expect(InvoiceReminders(settings: [:]) == .standard)
        #expect(
            InvoiceReminders(settings: [
                "reminder_days": .list([.number(3), .number(10), .number(21)]), "reminder_time": .string("08:15"),
            ])
                == InvoiceReminders(time: "08:15", daysOverdue: [3, 10, 21]))
        for bad: SettingValue in [
            .list([]), .list([.number(10), .number(3)]), .list([.number(0)]), .list([.number(2.5)]), .string("3"),
        ] {
            #expect(InvoiceReminders.problems(in: ["reminder_days": bad]).map(\.key) == ["reminder_days"])
        }
        #expect(InvoiceReminders.problems(in: ["reminder_time": .string("25:00")]).map(\.key) == ["reminder_time"])
    }
}
