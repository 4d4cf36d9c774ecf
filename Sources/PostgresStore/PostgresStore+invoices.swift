import Foundation
import Orchestrator
import PostgresNIO

/// The books (``InvoiceStorage``) as the SQLite store keeps them (RuntimeStore+invoices.swift):
/// invoices by number in the columns ``Invoice/storedColumns`` writes, each reminder once per
/// invoice and step. Text is ordered by its bytes (`COLLATE "C"`), as SQLite orders it, whatever
/// the database's collation.
extension PostgresStore: InvoiceStorage {
    package func importInvoices(_ invoices: [Invoice], at now: Date) async throws -> InvoiceImportOutcome {
        let stamp = StoredTime.rounded(now)
        return try await write { tx in
            var outcome = InvoiceImportOutcome()
            for invoice in invoices {
                let values = invoice.storedColumns
                guard let row = try tx.run("SELECT * FROM invoice WHERE number = \(invoice.number)").first else {
                    try tx.run(
                        """
                        INSERT INTO invoice (number, customer, email, issued_on, due_on, total, balance, currency,
                            status, source, imported_at, updated_at)
                        VALUES (\(values[0]), \(values[1]), \(values[2]), \(values[3]), \(values[4]), \(values[5]),
                            \(values[6]), \(values[7]), \(values[8]), \(values[9]), \(stamp), \(stamp))
                        """)
                    outcome.added += 1
                    continue
                }
                // A stored row that does not read is replaced by the export's, which is the truth.
                let before = try? Self.bookedInvoice(StoredRow(row))
                if before?.invoice == invoice {
                    outcome.unchanged += 1
                    continue
                }
                let settled = (before?.invoice.isOwed ?? false) && !invoice.isOwed
                let settledAt: Date? = invoice.isOwed ? nil : (settled ? stamp : before?.settledAt)
                try tx.run(
                    """
                    UPDATE invoice SET customer = \(values[1]), email = \(values[2]), issued_on = \(values[3]),
                        due_on = \(values[4]), total = \(values[5]), balance = \(values[6]), currency = \(values[7]),
                        status = \(values[8]), source = \(values[9]), updated_at = \(stamp), settled_at = \(settledAt)
                    WHERE number = \(invoice.number)
                    """)
                outcome.updated += 1
                if settled {
                    outcome.settled.append(invoice.number)
                    outcome.cancelled += try Self.cancelChase(tx, invoice, at: stamp)
                }
            }
            return outcome
        }
    }

    /// Cancels what is pending on a settled invoice's case: events not yet processed, reminders
    /// queued or held, approvals not decided; records a paid one in the ledger. Returns how many
    /// were cancelled.
    private static func cancelChase(_ tx: PostgresTransaction, _ invoice: Invoice, at now: Date) throws -> Int {
        let why = "invoice \(invoice.number) is \(invoice.status.rawValue)"
        var cancelled = try tx.run(
            "UPDATE event SET status = 'cancelled' WHERE case_id = \(invoice.caseID) AND status = 'pending'"
        ).metadata.rows ?? 0
        cancelled +=
            try tx.run(
                """
                UPDATE outbox SET status = 'cancelled', last_error = \("cancelled: \(why)"), lease_until = NULL,
                    leased_by = NULL
                WHERE case_id = \(invoice.caseID) AND status IN ('queued', 'held')
                """
            ).metadata.rows ?? 0
        cancelled +=
            try tx.run(
                """
                UPDATE approval SET status = 'rejected', decision = \("withdrawn: \(why)"), decided_at = \(now)
                WHERE case_id = \(invoice.caseID) AND status = 'pending'
                """
            ).metadata.rows ?? 0
        try tx.appendAudit(
            at: now, caseID: invoice.caseID, agent: nil, kind: .cancelled,
            detail: "\(why): \(cancelled) pending reminders, actions or approvals cancelled")
        if invoice.status == .paid {
            try tx.recordLedger(
                key: "invoice-paid:\(invoice.number)", vendor: "\(invoice.customer) (invoice \(invoice.number) paid)",
                amount: Money.text(invoice.total, invoice.currency), at: now)
        }
        return cancelled
    }

    package func bookedInvoices() async throws -> (invoices: [BookedInvoice], unreadable: [StoredDataError]) {
        var invoices: [BookedInvoice] = []
        var unreadable: [StoredDataError] = []
        for row in try await rows("SELECT * FROM invoice ORDER BY number COLLATE \"C\"") {
            do { invoices.append(try Self.bookedInvoice(row)) } catch let error as StoredDataError {
                unreadable.append(error)
            }
        }
        return (invoices, unreadable)
    }

    package func raiseInvoiceReminders(
        dueBy today: LocalDate, _ plan: @escaping @Sendable (BookedInvoice) -> InvoiceReminder?
    ) async throws -> [InvoiceReminder] {
        let now = StoredTime.rounded(clock())
        return try await write { tx in
            let open = try tx.run(
                """
                SELECT * FROM invoice WHERE status = 'open' AND due_on <= \(today.iso)
                ORDER BY due_on COLLATE "C", number COLLATE "C"
                """)
            var raised: [InvoiceReminder] = []
            for row in open {
                // A row that does not read is left alone (`baton books list` names it).
                guard let booked = try? Self.bookedInvoice(StoredRow(row)), let reminder = plan(booked) else { continue }
                let number = booked.invoice.number
                let recorded = try tx.run(
                    """
                    INSERT INTO invoice_reminder (number, days, raised_at) VALUES (\(number), \(reminder.step), \(now))
                    ON CONFLICT DO NOTHING
                    """)
                guard recorded.metadata.rows == 1 else { continue }
                var stored: StoredIntake?
                do {
                    try tx.atomically { stored = try Self.storeIntake(tx, reminder.event, at: now) }
                } catch is IntakeRefusal {
                    continue  // the key holds an earlier event of this step: it was raised before
                }
                guard let stored else { continue }
                try tx.run(
                    "UPDATE invoice_reminder SET event_id = \(stored.id) WHERE number = \(number) AND days = \(reminder.step)")
                try tx.run(
                    "UPDATE invoice SET chased_days = \(reminder.step), chased_at = \(now) WHERE number = \(number)")
                raised.append(reminder)
            }
            return raised
        }
    }

    package func booksActivity(from: Date, to: Date) async throws -> BooksActivity {
        var activity = BooksActivity()
        activity.outstanding = try await rows(
            "SELECT * FROM invoice WHERE status = 'open' ORDER BY due_on COLLATE \"C\", number COLLATE \"C\""
        ).compactMap { try? Self.bookedInvoice($0) }.filter(\.invoice.isOwed)
        activity.chased = try await rows(
            """
            SELECT invoice.*, r.days AS step, r.raised_at FROM invoice_reminder r JOIN invoice USING (number)
            WHERE r.raised_at >= \(from) AND r.raised_at < \(to) ORDER BY r.raised_at, r.number COLLATE "C", r.days
            """
        ).compactMap { row in
            guard let booked = try? Self.bookedInvoice(row), let step: Int = try? row("step"),
                let at: Date = try? row("raised_at")
            else { return nil }
            return (booked.invoice, step, at)
        }
        activity.settled = try await rows(
            """
            SELECT * FROM invoice WHERE settled_at >= \(from) AND settled_at < \(to)
            ORDER BY settled_at, number COLLATE "C"
            """
        ).compactMap { try? Self.bookedInvoice($0) }
        return activity
    }

    /// A stored invoice, or a ``StoredDataError`` naming the column that does not read.
    private static func bookedInvoice(_ row: StoredRow) throws -> BookedInvoice {
        let number = try? row("number", as: String.self)
        let invoice = try Invoice(
            stored: { column in try row(column, as: String?.self) },
            unreadable: { column in
                StoredDataError(
                    table: "invoice", row: number, column: column,
                    value: (try? row(column, as: String?.self)).flatMap { $0.map(StoredDataError.shown(text:)) } ?? "NULL")
            })
        return BookedInvoice(
            invoice: invoice, chasedDays: try row("chased_days"), chasedAt: try row("chased_at"),
            settledAt: try row("settled_at"))
    }
}
