import Foundation
import GRDB

extension RuntimeStore {
    /// The books: invoices by number (amounts as exact decimal text, dates as `YYYY-MM-DD`), and
    /// each reminder the books clock raised, once per invoice and step.
    static func registerInvoiceMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("books: invoices and their reminders") { db in
            try db.execute(
                sql: """
                    CREATE TABLE invoice (
                        number TEXT PRIMARY KEY, customer TEXT NOT NULL, email TEXT, issued_on TEXT, due_on TEXT,
                        total TEXT NOT NULL, balance TEXT NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,
                        source TEXT NOT NULL, imported_at DATETIME NOT NULL, updated_at DATETIME NOT NULL,
                        settled_at DATETIME, chased_days INTEGER, chased_at DATETIME);
                    -- Only open invoices are indexed for the clock; a settled one leaves the index.
                    CREATE INDEX invoice_open ON invoice (due_on) WHERE status = 'open';
                    CREATE INDEX invoice_settled ON invoice (settled_at) WHERE settled_at IS NOT NULL;
                    CREATE TABLE invoice_reminder (
                        number TEXT NOT NULL, days INTEGER NOT NULL, raised_at DATETIME NOT NULL,
                        event_id INTEGER, PRIMARY KEY (number, days)) WITHOUT ROWID;
                    CREATE INDEX invoice_reminder_time ON invoice_reminder (raised_at);
                    """)
        }
    }

    package func importInvoices(_ invoices: [Invoice], at now: Date) async throws -> InvoiceImportOutcome {
        let stamp = StoredDate.text(now)
        return try await database.write { db in
            var outcome = InvoiceImportOutcome()
            let find = try db.cachedStatement(sql: "SELECT * FROM invoice WHERE number = ?")
            for invoice in invoices {
                let values = Self.columns(invoice)
                guard let row = try Row.fetchOne(find, arguments: [invoice.number]) else {
                    try db.execute(
                        sql: """
                            INSERT INTO invoice (number, customer, email, issued_on, due_on, total, balance, currency,
                                status, source, imported_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """, arguments: StatementArguments(values + [stamp, stamp]))
                    outcome.added += 1
                    continue
                }
                // A stored row that does not read is replaced by the export's, which is the truth.
                let before = try? Self.invoice(row)
                if before?.invoice == invoice {
                    outcome.unchanged += 1
                    continue
                }
                let wasOwed = before?.invoice.isOwed ?? false
                let settled = wasOwed && !invoice.isOwed
                let settledAt: String? =
                    invoice.isOwed ? nil : (settled ? stamp : before?.settledAt.map(StoredDate.text))
                try db.execute(
                    sql: """
                        UPDATE invoice SET customer = ?, email = ?, issued_on = ?, due_on = ?, total = ?, balance = ?,
                            currency = ?, status = ?, source = ?, updated_at = ?, settled_at = ? WHERE number = ?
                        """,
                    arguments: StatementArguments(Array(values.dropFirst()) + [stamp, settledAt, invoice.number]))
                outcome.updated += 1
                if settled {
                    outcome.settled.append(invoice.number)
                    outcome.cancelled += try Self.cancelChase(db, invoice, stamp: stamp, at: now)
                }
            }
            return outcome
        }
    }

    /// Cancels what is pending on a settled invoice's case: events not yet processed, reminders
    /// queued or held, approvals not decided; records a paid one in the ledger. Returns how many
    /// were cancelled.
    private static func cancelChase(_ db: Database, _ invoice: Invoice, stamp: String, at now: Date) throws -> Int {
        let why = "invoice \(invoice.number) is \(invoice.status.rawValue)"
        try db.execute(
            sql: "UPDATE event SET status = 'cancelled' WHERE case_id = ? AND status = 'pending'",
            arguments: [invoice.caseID])
        var cancelled = db.changesCount
        try RunningCountDeltas.add(db, RunningCountDeltas.cancelled, cancelled)
        try db.execute(
            sql:
                "UPDATE outbox SET status = 'cancelled', last_error = ? WHERE case_id = ? AND status IN ('queued', 'held')",
            arguments: ["cancelled: \(why)", invoice.caseID])
        cancelled += db.changesCount
        try db.execute(
            sql: """
                UPDATE approval SET status = 'rejected', decision = ?, decided_at = ?
                WHERE case_id = ? AND status = 'pending'
                """, arguments: ["withdrawn: \(why)", stamp, invoice.caseID])
        cancelled += db.changesCount
        try appendAudit(
            db, at: now, caseID: invoice.caseID, agent: nil, kind: .cancelled,
            detail: "\(why): \(cancelled) pending reminders, actions or approvals cancelled")
        if invoice.status == .paid {
            try db.execute(
                sql: "INSERT OR IGNORE INTO ledger (idempotency_key, vendor, amount, recorded_at) VALUES (?, ?, ?, ?)",
                arguments: [
                    "invoice-paid:\(invoice.number)", "\(invoice.customer) (invoice \(invoice.number) paid)",
                    Money.text(invoice.total, invoice.currency), stamp,
                ])
        }
        return cancelled
    }

    package func bookedInvoices() async throws -> (invoices: [BookedInvoice], unreadable: [StoredDataError]) {
        let rows = try await database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM invoice ORDER BY number") }
        var invoices: [BookedInvoice] = []
        var unreadable: [StoredDataError] = []
        for row in rows {
            do { invoices.append(try Self.invoice(row)) } catch let error as StoredDataError {
                unreadable.append(error)
            }
        }
        return (invoices, unreadable)
    }

    package func raiseInvoiceReminders(
        dueBy today: LocalDate, _ plan: @escaping @Sendable (BookedInvoice) -> InvoiceReminder?
    ) async throws -> [InvoiceReminder] {
        let stamp = StoredDate.text(clock())
        return try await database.write { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM invoice WHERE status = 'open' AND due_on <= ? ORDER BY due_on, number",
                arguments: [today.iso])
            var raised: [InvoiceReminder] = []
            for row in rows {
                // A row that does not read is left alone (`baton books list` names it).
                guard let booked = try? Self.invoice(row), let reminder = plan(booked) else { continue }
                try db.execute(
                    sql: "INSERT OR IGNORE INTO invoice_reminder (number, days, raised_at) VALUES (?, ?, ?)",
                    arguments: [booked.invoice.number, reminder.step, stamp])
                guard db.changesCount == 1 else { continue }
                let stored: StoredIntake
                do {
                    stored = try Self.storeIntake(db, reminder.event, stamp: stamp)
                } catch is IntakeRefusal {
                    continue  // the key holds an earlier event of this step: it was raised before
                }
                try db.execute(
                    sql: "UPDATE invoice_reminder SET event_id = ? WHERE number = ? AND days = ?",
                    arguments: [stored.id, booked.invoice.number, reminder.step])
                try db.execute(
                    sql: "UPDATE invoice SET chased_days = ?, chased_at = ? WHERE number = ?",
                    arguments: [reminder.step, stamp, booked.invoice.number])
                raised.append(reminder)
            }
            return raised
        }
    }

    package func booksActivity(from start: Date, to end: Date) async throws -> BooksActivity {
        let (from, to) = (StoredDate.text(start), StoredDate.text(end))
        let (owed, chased, settled) = try await database.read { db in
            (
                try Row.fetchAll(db, sql: "SELECT * FROM invoice WHERE status = 'open' ORDER BY due_on, number"),
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT invoice.*, r.days AS step, r.raised_at FROM invoice_reminder r
                        JOIN invoice USING (number) WHERE r.raised_at >= ? AND r.raised_at < ? ORDER BY r.raised_at
                        """, arguments: [from, to]),
                try Row.fetchAll(
                    db,
                    sql: "SELECT * FROM invoice WHERE settled_at >= ? AND settled_at < ? ORDER BY settled_at, number",
                    arguments: [from, to])
            )
        }
        var activity = BooksActivity()
        activity.outstanding = owed.compactMap { try? Self.invoice($0) }.filter(\.invoice.isOwed)
        activity.chased = chased.compactMap { row in
            guard let booked = try? Self.invoice(row), let step: Int = try? row.stored("step", in: "invoice_reminder"),
                let at: Date = try? row.stored("raised_at", in: "invoice_reminder")
            else { return nil }
            return (booked.invoice, step, at)
        }
        activity.settled = settled.compactMap { try? Self.invoice($0) }
        return activity
    }

    /// An invoice's columns in the insert's order (``Invoice/storedColumns``).
    private static func columns(_ invoice: Invoice) -> [(any DatabaseValueConvertible)?] {
        invoice.storedColumns
    }

    /// A stored invoice, or a ``StoredDataError`` naming the column that does not read.
    static func invoice(_ row: Row) throws -> BookedInvoice {
        let table = "invoice"
        let invoice = try Invoice(
            stored: { column in try row.stored(column, in: table, key: "number", as: String?.self) },
            unreadable: { column in
                StoredDataError(
                    table: table, row: row.storedText("number"), column: column,
                    value: StoredDataError.shown(row.databaseValue(column)))
            })
        return BookedInvoice(
            invoice: invoice,
            chasedDays: try row.stored("chased_days", in: table, key: "number", as: Int?.self),
            chasedAt: try row.stored("chased_at", in: table, key: "number", as: Date?.self),
            settledAt: try row.stored("settled_at", in: table, key: "number", as: Date?.self))
    }
}
