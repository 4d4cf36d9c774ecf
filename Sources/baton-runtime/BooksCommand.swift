import ArgumentParser
import CSV
import Foundation
import Orchestrator

/// `baton books`: invoices from an accounting export into the runtime's books, and what they show.
struct BooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "books", abstract: "Import invoices from QuickBooks Online, Xero or Wave, and see what is owed.",
        discussion: """
            The books clock of `baton run` chases every invoice that is owed: `invoice.due` on its due date at \
            the business's local morning, then reminders at schedules.invoice_reminders.days_overdue (3, 10 and \
            30 days by default). Import the export again whenever you like: balances and statuses are updated, \
            and an invoice now paid or voided is no longer chased.
            """,
        subcommands: [Import.self, List.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import invoices from a CSV export (added, or updated by invoice number).",
            discussion: """
                Export the invoice list as CSV from your accounting tool:
                  QuickBooks Online  Sales > Invoices > Export to Excel/CSV (Invoice no., Customer, Invoice date, \
                Due date, Amount, Open balance, Status)
                  Xero               Business > Invoices > Export (InvoiceNumber, ContactName, EmailAddress, \
                InvoiceDate, DueDate, Total, InvoiceAmountDue, Currency, Status)
                  Wave               Sales > Invoices > Export (Invoice Number, Customer, Invoice Date, Due Date, \
                Total, Amount Due, Currency, Status)

                Columns are matched to the fields number, customer, email, issued, due, total, paid, balance, \
                currency and status by their names; --map names the others. Amounts are read exactly as written \
                ($1,234.56, (1,234.56) for a negative, 1.234,56 €, CAD 1,200); dates as the tool writes them \
                (2026-03-05, 03/05/2026, 5 Mar 2026). Which of 03/05/2026 is the day is read from the file (a day \
                above 12 shows it), else from --source (QuickBooks and Wave: month first; Xero: day first), else \
                --dates. Reminders go to the email column; an invoice without one is left for a person.

                A row that cannot be an invoice (no number, an amount or date that does not read, a formula, an \
                invoice number repeated with other details) is refused with its line, file:line: why; the rest \
                are imported. Rows repeating an invoice with the same details are its line items (Xero writes one \
                row per line). At most 10 MiB, 50,000 rows and 1,000 characters a cell.

                Exit status: 0 when every row is in, 2 when some were refused, 1 when the file cannot be read.

                Examples:
                  baton books import invoices.csv --source xero
                  baton books import "Invoice List.csv" --source quickbooks --currency USD
                  baton books import export.csv --map "Client email=email" --map "Owing=balance" --dates dmy
                """)
        @OptionGroup var runtime: RuntimeOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: ArgumentHelp("A column for a field, as COLUMN=FIELD (repeatable).", valueName: "column=field"))
        var map: [String] = []
        @Option(
            help: ArgumentHelp("The tool that wrote the file: quickbooks, xero or wave (guessed from the columns)."))
        var source: InvoiceImport.Source?
        @Option(
            help: ArgumentHelp(
                "The currency of rows that name none.",
                discussion: "Default: the business's, from the blueprint `baton run` last started with.",
                valueName: "code"))
        var currency: String?
        @Option(help: ArgumentHelp("How to read 03/05/2026: mdy (5 March) or dmy (3 May).", valueName: "order"))
        var dates: LocalDate.Order?

        func run() async throws {
            try await reportingFailures {
                let mapping = try CSVImportOutput.mapping(map)
                let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                guard size <= InvoiceImport.maxBytes else {
                    throw Failure("\(file) is over \(InvoiceImport.maxBytes >> 20) MiB: split it and import each part")
                }
                let text: String
                do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw Failure("cannot read \(file) as UTF-8 text: \(error.localizedDescription)")
                }
                let store = try await runtime.store()
                let reader = InvoiceImport(
                    source: source, mapping: mapping,
                    currency: currency?.uppercased() ?? (try? runtime.blueprint())?.business.currency,
                    dateOrder: dates)
                let read: InvoiceImport.Result
                do {
                    read = try reader.read(text) { done, all in
                        printError("read \(done) of \(all) rows…")
                    }
                } catch let error as CSVError {
                    throw Failure("\(file):\(error.line): \(error.message)")
                }
                if read.invoices.count > 5_000 { printError("storing \(read.invoices.count) invoices…") }
                let outcome = try await store.importInvoices(read.invoices, at: store.clock())
                printText(
                    "\(outcome.added) invoices added, \(outcome.updated) updated, \(outcome.unchanged) unchanged, \(read.refused.count) rows refused"
                        + (read.lineItems > 0 ? " (\(read.lineItems) rows were line items of an invoice above)" : ""))
                if !outcome.settled.isEmpty {
                    printText(
                        "no longer chased (paid or voided): \(outcome.settled.prefix(10).joined(separator: ", "))\(outcome.settled.count > 10 ? ", …" : ""); \(outcome.cancelled) pending reminders cancelled"
                    )
                }
                try CSVImportOutput.finish(file: file, ignoredColumns: read.ignoredColumns, refused: read.refused)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the invoices in the books: owed, chased, paid.",
            discussion: "Owed invoices first, by due date; --all adds the paid, voided and draft ones.")
        @OptionGroup var runtime: RuntimeOptions
        @Flag(help: "Also the invoices nothing is owed on.") var all = false

        func run() async throws {
            try await reportingFailures {
                let store = try await runtime.store()
                let (invoices, unreadable) = try await store.bookedInvoices()
                for bad in unreadable { printError("left out: \(bad)") }
                let zone = (try? runtime.blueprint()).flatMap { TimeZone(identifier: $0.business.timeZone) } ?? .current
                let today = LocalDate.on(store.clock(), in: zone)
                let shown = invoices.filter { all || $0.invoice.isOwed }.sorted {
                    ($0.invoice.isOwed ? 0 : 1, $0.invoice.due?.iso ?? "", $0.invoice.number)
                        < ($1.invoice.isOwed ? 0 : 1, $1.invoice.due?.iso ?? "", $1.invoice.number)
                }
                guard !shown.isEmpty else {
                    return printText(all ? "no invoices yet: `baton books import FILE.csv`" : "nothing is owed")
                }
                for booked in shown {
                    let invoice = booked.invoice
                    var state = invoice.status.rawValue
                    if invoice.isOwed, let due = invoice.due, let today {
                        let late = due.days(to: today)
                        state = late > 0 ? "\(late) days overdue" : (late == 0 ? "due today" : "due \(due.iso)")
                    }
                    let chased =
                        booked.chasedDays.map { $0 == 0 ? "; reminded on the due date" : "; reminded at \($0) days" }
                        ?? ""
                    printText(
                        "\(invoice.number)  \(invoice.customer)  \(Money.text(invoice.isOwed ? invoice.balance : invoice.total, invoice.currency))  \(state)\(chased)"
                    )
                }
            }
        }
    }
}

extension InvoiceImport.Source: ExpressibleByArgument {}
extension LocalDate.Order: ExpressibleByArgument {}
