import Blueprint
import Foundation

/// The books clock of `baton run`: raises `invoice.due` for each owed invoice at the step
/// ``InvoiceChase`` says is due, once per invoice and step (the store records the step with the
/// event in one transaction, so a restart, even after `kill -9`, never raises it twice). The
/// agent that consumes `invoice.due` (the `invoice_reminders` skill) writes the reminder.
public struct BooksClock: Sendable {
    /// Who the events are from in the audit log.
    public static let producer = "books"
    let store: any RuntimeStorage
    public let chase: InvoiceChase
    let business: String

    package init(blueprint: Blueprint, store: any RuntimeStorage) {
        self.store = store
        chase = InvoiceChase(blueprint: blueprint)
        business = blueprint.business.name
    }

    /// Raises what is due now; a line for the log, or nil when nothing was.
    @discardableResult
    public func run() async throws -> String? {
        let now = store.clock()
        guard let today = chase.today(at: now) else { return nil }
        let chase = self.chase
        let raised = try await store.raiseInvoiceReminders(dueBy: today) { booked in
            guard let step = chase.step(for: booked.invoice, chased: booked.chasedDays, at: now),
                let due = booked.invoice.due
            else { return nil }
            return InvoiceReminder(
                invoice: booked.invoice, step: step, event: Self.event(booked.invoice, step, due, chase, now))
        }
        guard !raised.isEmpty else { return nil }
        let named = raised.prefix(5).map {
            "\($0.invoice.number) (\($0.step == 0 ? "due today" : "\($0.step) days overdue"))"
        }
        return
            "raised \(raised.count) invoice reminders: \(named.joined(separator: ", "))\(raised.count > 5 ? ", …" : "")"
    }

    /// The `invoice.due` event of one step, keyed `books:NUMBER:STEP`.
    static func event(_ invoice: Invoice, _ step: Int, _ due: LocalDate, _ chase: InvoiceChase, _ now: Date)
        -> IntakeEvent
    {
        var payload: [String: String] = [
            "invoice": invoice.number, "name": invoice.customer,
            "amount": Money.text(invoice.balance, invoice.currency),
            "balance": "\(invoice.balance)", "total": Money.text(invoice.total, invoice.currency),
            "currency": invoice.currency, "due": due.iso, "due_spoken": due.spoken, "step": "\(step)",
            "days_overdue": "\(max(step, chase.daysOverdue(due, at: now)))",
        ]
        if let email = invoice.email { payload["email"] = email }
        return IntakeEvent(
            type: "invoice.due", caseID: invoice.caseID, payloadJSON: StringMapJSON.encode(payload),
            producer: producer, idempotencyKey: "books:\(invoice.number):\(step)")
    }
}

/// A reminder the books clock raises: the invoice, the step (days past due), the event.
package struct InvoiceReminder: Sendable {
    package let invoice: Invoice
    package let step: Int
    package let event: IntakeEvent
}
