import Foundation

/// An invoice as the books hold it: imported from an accounting export (`baton books import`),
/// kept by its number, chased by the books clock while it is owed.
public struct Invoice: Sendable, Equatable {
    /// Where an invoice stands. Only an `open` one with a balance is chased.
    public enum Status: String, Sendable, CaseIterable {
        /// Sent and not settled (Xero's "Awaiting Payment", QuickBooks' "Open", "Overdue", "Partial").
        case open
        /// Settled in full.
        case paid
        /// Voided, deleted or written off: nothing is owed.
        case voided
        /// Not yet sent to the customer (a draft, or one waiting for approval): not chased.
        case draft
    }

    /// The invoice number, its key: a re-import of the same number updates it.
    public var number: String
    public var customer: String
    /// Where reminders go; without one, the reminder is left for a person.
    public var email: String?
    public var issued: LocalDate?
    /// The day it is due; an open invoice always has one.
    public var due: LocalDate?
    public var total: Decimal
    /// What is still owed.
    public var balance: Decimal
    /// ISO 4217, e.g. `CAD`: `total` and `balance` are in it.
    public var currency: String
    public var status: Status
    /// The export it came from: `quickbooks`, `xero`, `wave` or `csv`.
    public var source: String

    public init(
        number: String, customer: String, email: String?, issued: LocalDate?, due: LocalDate?, total: Decimal,
        balance: Decimal, currency: String, status: Status, source: String
    ) {
        self.number = number
        self.customer = customer
        self.email = email
        self.issued = issued
        self.due = due
        self.total = total
        self.balance = balance
        self.currency = currency
        self.status = status
        self.source = source
    }

    /// Whether it is owed: open with a balance above zero.
    public var isOwed: Bool { status == .open && balance > 0 }

    /// The case its reminders belong to.
    public var caseID: String { "invoice-\(number)" }
}

/// An invoice in the books with what the clock did about it.
public struct BookedInvoice: Sendable, Equatable {
    public var invoice: Invoice
    /// The latest reminder raised: days past the due date (0 on the due date itself).
    public var chasedDays: Int?
    public var chasedAt: Date?
    /// When an import found it paid or voided after it had been open here.
    public var settledAt: Date?

    /// An invoice with what the clock did about it, as a store reads it back.
    package init(invoice: Invoice, chasedDays: Int?, chasedAt: Date?, settledAt: Date?) {
        self.invoice = invoice
        self.chasedDays = chasedDays
        self.chasedAt = chasedAt
        self.settledAt = settledAt
    }
}
