import BatonTestSupport
import Foundation
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// The books (``InvoiceStorage``): generated exports imported round after round into both stores,
/// the books clock run between them, must leave the same books, with what a model of the rules says.
@Suite("Books conformance", .serialized)
struct BooksConformanceTests {
    static let today = LocalDate(year: 2026, month: 5, day: 20)!

    /// The reminder step of an invoice due on `due` on ``today``: days past due, by the week.
    static func step(_ due: LocalDate) -> Int { max(0, due.days(to: today) / 7 * 7) }

    /// A generated invoice: number `number`, any status, amounts to the cent, maybe no email or date.
    static func invoice(_ number: String, _ random: inout SplitMix) -> Invoice {
        let total = Decimal(random.below(2_000_000)) / 100
        let status = random.pick([Invoice.Status.open, .open, .open, .paid, .voided, .draft])
        return Invoice(
            number: number, customer: "\(random.pick(HostileText.plainWords)) \(random.pick(HostileText.plainWords))",
            email: random.chance(80) ? "billing+\(random.below(99))@example.com" : nil,
            issued: random.chance(90) ? today.adding(days: -60 - random.below(30)) : nil,
            due: today.adding(days: 10 - random.below(40)),
            total: total, balance: random.chance(15) ? 0 : total - Decimal(random.below(100)) / 100,
            currency: random.pick(["CAD", "EUR", "JPY"]), status: status, source: random.pick(["xero", "csv", "wave"]))
    }

    @Test("generated imports, the clock between them: the same books, outcomes and activity on both stores")
    func generatedBooks() async throws {
        let clock = TestClock()
        let start = clock.now
        let stores = try await StoreKind.both(clock: clock)
        var random = SplitMix(state: 808)
        let numbers = (0..<120).map { "\(random.pick(["INV-", "O'Brien/", "é-", "🔧 ", "#"]))\($0)" }
        var books: [String: Invoice] = [:]
        var raisedSteps: Set<String> = []
        var cancelled = 0
        for round in 0..<6 {
            var export: [Invoice] = []
            var expected = InvoiceImportOutcome()
            var model = books
            for _ in 0..<(20 + random.below(60)) {
                let number = random.pick(numbers)
                var invoice = model[number] ?? Self.invoice(number, &random)
                if model[number] != nil {
                    switch random.below(5) {
                    case 0: invoice.status = random.pick([.paid, .voided])
                    case 1: invoice.balance = 0
                    case 2: invoice.email = nil
                    case 3: invoice = Self.invoice(number, &random)
                    default: break  // the same again
                    }
                }
                export.append(invoice)
                if let before = model[number] {
                    if before == invoice {
                        expected.unchanged += 1
                    } else {
                        expected.updated += 1
                        if before.isOwed && !invoice.isOwed { expected.settled.append(number) }
                    }
                } else {
                    expected.added += 1
                }
                model[number] = invoice
            }
            // Something pending on a few owed invoices' cases: settling them cancels it.
            for number in model.keys.sorted().prefix(8) where round > 0 {
                guard let invoice = books[number], invoice.isOwed else { continue }
                for store in stores {
                    try await store.transaction { [clock] tx in
                        _ = try tx.queueAction(
                            key: "reminder-\(number)-\(round)", caseID: invoice.caseID, agent: "books",
                            action: .emailSend, payloadJSON: "{}", at: clock.now)
                        _ = try tx.insertApproval(
                            ApprovalRecord(
                                storedID: nil, caseID: invoice.caseID, agent: "books", action: .emailSend,
                                proposedJSON: "{}", reason: "first reminder", status: .pending, createdAt: clock.now))
                    }
                }
            }
            var outcomes: [InvoiceImportOutcome] = []
            for store in stores { outcomes.append(try await store.importInvoices(export, at: clock.now)) }
            #expect(outcomes[0] == outcomes[1])
            cancelled += outcomes[0].cancelled
            var counted = outcomes[0]
            counted.cancelled = 0
            #expect(counted == expected, "round \(round)")
            books = model
            clock.advance(3600)

            // The books clock: a reminder per owed invoice and step, raised once.
            let plan: @Sendable (BookedInvoice) -> InvoiceReminder? = { booked in
                guard booked.invoice.isOwed, let due = booked.invoice.due else { return nil }
                let step = Self.step(due)
                return InvoiceReminder(
                    invoice: booked.invoice, step: step,
                    event: IntakeEvent(
                        type: "invoice.due", caseID: booked.invoice.caseID, payloadJSON: "{\"step\":\"\(step)\"}",
                        producer: "books", idempotencyKey: "books:\(booked.invoice.number):\(step)"))
            }
            let due = books.values.filter { $0.isOwed && ($0.due ?? Self.today) <= Self.today }
            let fresh = Set(due.map { "\($0.number):\(Self.step($0.due ?? Self.today))" }).subtracting(raisedSteps)
            for store in stores {
                let raised = try await store.raiseInvoiceReminders(dueBy: Self.today, plan)
                #expect(Set(raised.map { "\($0.invoice.number):\($0.step)" }) == fresh)
                #expect(raised.count == fresh.count)
                #expect(try await store.raiseInvoiceReminders(dueBy: Self.today, plan).isEmpty)
            }
            raisedSteps.formUnion(fresh)
            clock.advance(600)
        }
        #expect(cancelled > 0)
        let listed = try await stores[0].bookedInvoices()
        let byNumber = books.values.sorted { $0.number.utf8.lexicographicallyPrecedes($1.number.utf8) }
        #expect(listed.unreadable.isEmpty && listed.invoices.map(\.invoice) == byNumber)
        #expect(try await stores[1].bookedInvoices().invoices == listed.invoices)
        #expect(listed.invoices.contains { $0.settledAt != nil } && listed.invoices.contains { $0.chasedDays != nil })
        let end = clock.now.addingTimeInterval(1)
        for (from, to) in [(start, end), (start.addingTimeInterval(3 * 3600), end), (end, end + 60)] {
            let activity = try await stores[0].booksActivity(from: from, to: to)
            #expect(try await stores[1].booksActivity(from: from, to: to) == activity)
            #expect(try await stores[1].booksOutcome(from: from, to: to) == stores[0].booksOutcome(from: from, to: to))
            #expect(Set(activity.outstanding.map(\.invoice.number)) == Set(books.values.filter(\.isOwed).map(\.number)))
            if from == start { #expect(!activity.chased.isEmpty && !activity.settled.isEmpty) }
        }
        // What was pending on the settled cases was cancelled, the same on both.
        for number in numbers {
            let events = try await stores[0].caseEvents("invoice-\(number)")
            #expect(try await stores[1].caseEvents("invoice-\(number)").map(\.status) == events.map(\.status))
        }
    }

    @Test("a stored invoice that does not read is named, left alone by the clock, and replaced by the next import")
    func unreadableRow() async throws {
        let clock = TestClock()
        let stores = try await StoreKind.both(clock: clock)
        var random = SplitMix(state: 3)
        var invoice = Self.invoice("O'Brien-7", &random)
        invoice.status = .open
        invoice.balance = 12
        invoice.due = Self.today
        for store in stores {
            #expect(try await store.importInvoices([invoice], at: clock.now).added == 1)
            let bad = "12,50\u{1B}[2J \(String(repeating: "x", count: 60))"
            if let sqlite = store as? RuntimeStore {
                try await sqlite.database.write { db in
                    try db.execute(sql: "UPDATE invoice SET balance = ? WHERE number = 'O''Brien-7'", arguments: [bad])
                }
            } else if let postgres = store as? PostgresStore {
                try await postgres.write { tx in
                    try tx.run("UPDATE invoice SET balance = \(bad) WHERE number = 'O''Brien-7'")
                }
            }
            let listed = try await store.bookedInvoices()
            #expect(listed.invoices.isEmpty)
            #expect(
                listed.unreadable == [
                    StoredDataError(
                        table: "invoice", row: "O'Brien-7", column: "balance",
                        value: StoredDataError.shown(text: bad))
                ])
            #expect(try await store.raiseInvoiceReminders(dueBy: Self.today) { _ in nil }.isEmpty)
            #expect(try await store.booksActivity(from: clock.now, to: clock.now + 1).outstanding.isEmpty)
            #expect(try await store.importInvoices([invoice], at: clock.now).updated == 1)
            #expect(try await store.bookedInvoices().invoices.map(\.invoice) == [invoice])
        }
    }
}
