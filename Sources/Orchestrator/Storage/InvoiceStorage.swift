import Foundation

/// The books as the runtime keeps them: invoices imported from an accounting export, the
/// reminders the books clock raised, and what the daily report says of them. ``RuntimeStorage``
/// refines it; the SQLite store implements it in `RuntimeStore+invoices.swift`.
package protocol InvoiceStorage: Sendable {
    /// Adds or updates invoices by number, in one transaction. An invoice that was owed and is now
    /// paid or voided cancels what is still pending on its case (events not yet processed,
    /// reminders not yet sent, approvals not yet decided) and, when paid, is recorded in the ledger.
    func importInvoices(_ invoices: [Invoice], at: Date) async throws -> InvoiceImportOutcome
    /// Every invoice in the books, by number, with what the clock did about it; a stored row that
    /// does not read is a ``StoredDataError`` in `unreadable`, the rest are returned.
    func bookedInvoices() async throws -> (invoices: [BookedInvoice], unreadable: [StoredDataError])
    /// In one write transaction: each open invoice due on or before `dueBy` is given to `plan`, and
    /// each reminder it returns is recorded once per invoice and step with its event (a step raised
    /// before returns nothing). Returns the reminders raised now.
    func raiseInvoiceReminders(
        dueBy: LocalDate, _ plan: @escaping @Sendable (BookedInvoice) -> InvoiceReminder?
    ) async throws -> [InvoiceReminder]
    /// What the books show for `[from, to)`: owed now, reminders raised, invoices settled.
    func booksActivity(from: Date, to: Date) async throws -> BooksActivity
}

/// What an import did to the books.
package struct InvoiceImportOutcome: Sendable, Equatable {
    package var added = 0
    package var updated = 0
    package var unchanged = 0
    /// Invoices owed before this import and paid or voided now, by number.
    package var settled: [String] = []
    /// Pending events, unsent reminders and undecided approvals cancelled with them.
    package var cancelled = 0

    /// Nothing done yet.
    package init() {}
}

/// The books over a period, as the daily report shows them.
public struct BooksActivity: Sendable, Equatable {
    /// Invoices owed now (open, with a balance), oldest due date first.
    public var outstanding: [BookedInvoice] = []
    /// Reminders raised in the period: the invoice, days past due (0: the due date), when.
    public var chased: [(invoice: Invoice, step: Int, at: Date)] = []
    /// Invoices settled (paid or voided) in the period.
    public var settled: [BookedInvoice] = []

    public init() {}

    public static func == (a: BooksActivity, b: BooksActivity) -> Bool {
        a.outstanding == b.outstanding && a.settled == b.settled
            && a.chased.map { "\($0.invoice.number):\($0.step):\($0.at)" }
                == b.chased.map { "\($0.invoice.number):\($0.step):\($0.at)" }
    }
}
