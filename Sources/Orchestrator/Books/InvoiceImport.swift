import CSV
import Foundation

/// Reads the invoice exports of QuickBooks Online, Xero and Wave (or any CSV with such columns)
/// into ``Invoice``s: columns matched to fields by their names as the CRM import does, each row
/// checked and refused with its line when it cannot be an invoice, amounts read exactly
/// (``Money``), dates in the export's spelling (``LocalDate``). Pure: the store keeps the result.
public struct InvoiceImport: Sendable {
    /// The accounting tool an export comes from: it says how numeric dates are ordered when the
    /// file itself does not.
    public enum Source: String, Sendable, CaseIterable {
        case quickbooks, xero, wave

        /// QuickBooks Online (US) and Wave write `03/05/2026` month first; Xero day first.
        var dateOrder: LocalDate.Order { self == .xero ? .dmy : .mdy }

        /// The tool a header looks like it came from: Xero's names have no spaces
        /// (`InvoiceNumber`, `ContactName`), QuickBooks' have `No.`, `Num` or `Open balance`.
        static func guess(_ header: [String]) -> Source? {
            let names = Set(header.map { $0.trimmingCharacters(in: .whitespaces) })
            if names.contains("InvoiceNumber") || names.contains("ContactName") { return .xero }
            if names.contains("Open balance") || names.contains("Invoice no.") || names.contains("No.")
                || names.contains("Num")
            {
                return .quickbooks
            }
            if names.contains("Invoice Number") && names.contains("Amount Due") { return .wave }
            return nil
        }
    }

    /// The fields an invoice has; `--map COLUMN=FIELD` names a column for one.
    public static let fields = [
        "number", "customer", "email", "issued", "due", "total", "paid", "balance", "currency", "status",
    ]

    /// Column names the three tools (and spreadsheets) use for each field, compared as
    /// ``CSVColumns/key(_:)`` does: Xero `InvoiceNumber, ContactName, EmailAddress, InvoiceDate,
    /// DueDate, Total, InvoiceAmountPaid, InvoiceAmountDue, Currency, Status`; QuickBooks Online
    /// `Invoice no. (or No., Num), Customer (or Name), Invoice date (or Date), Due date, Amount,
    /// Open balance, Status`; Wave `Invoice Number, Customer, Invoice Date, Due Date, Total,
    /// Amount Due, Currency, Status`.
    static let aliases: [String: [String]] = [
        "number": ["invoicenumber", "invoiceno", "invoice", "no", "num", "number", "docnumber", "refnumber"],
        "customer": ["customer", "contactname", "contact", "name", "client", "customername", "clientname", "billto"],
        "email": ["email", "emailaddress", "customeremail", "contactemail", "billemail", "clientemail"],
        "issued": ["invoicedate", "date", "issuedate", "issued", "txndate", "dateissued"],
        "due": ["duedate", "due", "paymentdue", "dueon"],
        "total": ["total", "amount", "invoicetotal", "invoiceamount", "totalamount", "grandtotal"],
        "paid": ["amountpaid", "invoiceamountpaid", "paid", "paidamount", "payments", "totalpaid"],
        "balance": [
            "openbalance", "amountdue", "invoiceamountdue", "balance", "balancedue", "outstanding",
            "amountoutstanding", "totaldue",
        ],
        "currency": ["currency", "currencycode", "curr"],
        "status": ["status", "invoicestatus", "state"],
    ]

    /// The statuses of the three tools, by ``CSVColumns/key(_:)``; QuickBooks' `Overdue 12 days` and
    /// `Due in 5 days` are open by their first word.
    static let statuses: [String: Invoice.Status] = [
        "open": .open, "overdue": .open, "partial": .open, "partiallypaid": .open, "awaitingpayment": .open,
        "authorised": .open, "authorized": .open, "sent": .open, "viewed": .open, "unpaid": .open,
        "outstanding": .open, "due": .open, "duetoday": .open, "notdueyet": .open, "approved": .open,
        "paid": .paid, "deposited": .paid, "closed": .paid, "paidinfull": .paid, "fullypaid": .paid,
        "void": .voided, "voided": .voided, "deleted": .voided, "cancelled": .voided, "canceled": .voided,
        "writtenoff": .voided,
        "draft": .draft, "submitted": .draft, "awaitingapproval": .draft, "unsent": .draft,
    ]

    /// The bounds of one import: a larger file is refused before it is read.
    public static let maxBytes = 10 << 20
    public static let maxRows = 50_000
    public static let maxCellLength = 1_000
    static let maxNumberLength = 64
    static let maxNameLength = 200

    /// What reading a file came to.
    public struct Result: Sendable {
        /// The invoices, in the order of their first line.
        public var invoices: [Invoice] = []
        /// Rows not read, with their line and why.
        public var refused: [CSVError] = []
        /// Rows that repeat an invoice with the same details: its line items (Xero writes one row per line).
        public var lineItems = 0
        /// Columns that matched no field.
        public var ignoredColumns: [String] = []
        /// The tool the file was read as (given, or guessed from its header).
        public var source: Source?
        /// How dates written with numbers only were read.
        public var dateOrder: LocalDate.Order = .mdy
    }

    public var source: Source?
    /// Column → field, as `--map` names them.
    public var mapping: [String: String]
    /// The currency of rows that name none (no column, no code in the amount).
    public var currency: String?
    /// How to read `03/05/2026`; when nil the file decides (a day above 12 shows the order), else the source.
    public var dateOrder: LocalDate.Order?

    public init(
        source: Source? = nil, mapping: [String: String] = [:], currency: String? = nil,
        dateOrder: LocalDate.Order? = nil
    ) {
        self.source = source
        self.mapping = mapping
        self.currency = currency
        self.dateOrder = dateOrder
    }

    /// Reads an export's text.
    /// - Parameter progress: called every 5,000 rows with the rows read and the rows in all.
    /// - Throws: ``CSVError`` when the file as a whole cannot be read: too large, no header, no
    ///   invoice number or amount column, a `--map` to no field, dates in two orders.
    public func read(_ text: String, progress: ((Int, Int) -> Void)? = nil) throws -> Result {
        guard text.utf8.count <= Self.maxBytes else {
            throw CSVError(line: 1, message: "the file is over \(Self.maxBytes >> 20) MiB; split it")
        }
        for (column, field) in mapping where !Self.fields.contains(field) {
            throw CSVError(
                line: 1,
                message:
                    "--map \(column)=\(field): '\(field)' is not a field (fields: \(Self.fields.joined(separator: ", ")))"
            )
        }
        let records = try CSVTable.parse(text)
        guard let header = records.first else { throw CSVError(line: 1, message: "the file is empty") }
        guard records.count - 1 <= Self.maxRows else {
            throw CSVError(
                line: records[Self.maxRows + 1].line,
                message: "more than \(Self.maxRows) rows; split the file")
        }
        var result = Result()
        result.source = source ?? Source.guess(header.fields)
        let (columns, ignored) = CSVColumns.match(header.fields, aliases: Self.aliases, mapping: mapping)
        result.ignoredColumns = ignored
        for needed in ["number", "total"] where !columns.values.contains(needed) {
            throw CSVError(
                line: header.line,
                message:
                    "no column holds the invoice's \(needed == "number" ? "number" : "total amount") (columns: \(header.fields.joined(separator: ", "))); name it with --map COLUMN=\(needed)"
            )
        }
        let rows = records.dropFirst().map { record in
            (line: record.line, values: Self.values(record.fields, columns))
        }
        result.dateOrder = try dateOrder ?? Self.order(in: rows) ?? result.source?.dateOrder ?? .mdy
        var seen: [String: (line: Int, index: Int)] = [:]
        for (done, row) in rows.enumerated() {
            if done > 0 && done % 5_000 == 0 { progress?(done, rows.count) }
            if row.values.values.allSatisfy(\.isEmpty) { continue }
            let invoice: Invoice
            do {
                invoice = try self.invoice(row.values, order: result.dateOrder, source: result.source)
            } catch let problem as Problem {
                result.refused.append(CSVError(line: row.line, message: problem.message))
                continue
            }
            if let earlier = seen[invoice.number] {
                let first = result.invoices[earlier.index]
                if first == invoice {
                    result.lineItems += 1
                } else {
                    result.refused.append(
                        CSVError(
                            line: row.line,
                            message:
                                "invoice \(invoice.number) is already on line \(earlier.line) with another \(Self.difference(first, invoice))"
                        ))
                }
                continue
            }
            seen[invoice.number] = (row.line, result.invoices.count)
            result.invoices.append(invoice)
        }
        progress?(rows.count, rows.count)
        return result
    }

    /// A row's cells by field, trimmed.
    private static func values(_ fields: [String], _ columns: [Int: String]) -> [String: String] {
        var values: [String: String] = [:]
        for (index, field) in columns where index < fields.count {
            values[field] = fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return values
    }

    /// The order a file's numeric dates show: a first number above 12 is a day, a second one
    /// above 12 too. Nil when no date shows it.
    private static func order(in rows: [(line: Int, values: [String: String])]) throws -> LocalDate.Order? {
        var dayFirst: (line: Int, text: String)?
        var monthFirst: (line: Int, text: String)?
        for row in rows {
            for field in ["issued", "due"] {
                guard let cell = row.values[field], case .numeric(let a, let b, _) = LocalDate.read(cell) else {
                    continue
                }
                if a > 12 && b <= 12 && dayFirst == nil { dayFirst = (row.line, cell) }
                if b > 12 && a <= 12 && monthFirst == nil { monthFirst = (row.line, cell) }
            }
            if let dayFirst, let monthFirst {
                throw CSVError(
                    line: max(dayFirst.line, monthFirst.line),
                    message:
                        "dates are written day first (line \(dayFirst.line): \(dayFirst.text)) and month first (line \(monthFirst.line): \(monthFirst.text)); say which with --dates dmy or --dates mdy"
                )
            }
        }
        return dayFirst != nil ? .dmy : (monthFirst != nil ? .mdy : nil)
    }

    /// Why a row is not an invoice.
    struct Problem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// One row as an invoice, or the ``Problem`` with it.
    private func invoice(_ values: [String: String], order: LocalDate.Order, source: Source?) throws -> Invoice {
        for (field, value) in values where value.count > Self.maxCellLength {
            throw Problem("the \(field) cell has \(value.count) characters (at most \(Self.maxCellLength))")
        }
        let number = values["number"] ?? ""
        guard !number.isEmpty else { throw Problem("no invoice number") }
        try Self.checkText(number, "invoice number", max: Self.maxNumberLength)
        let customer = values["customer"] ?? ""
        try Self.checkText(customer, "customer", max: Self.maxNameLength)
        var email: String?
        if let cell = values["email"], !cell.isEmpty {
            // A contact with several addresses: the first is the one reminders go to.
            let first = cell.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard Dispatcher.isAddress(first), first.count <= 254 else {
                throw Problem("'\(Self.shown(cell))' is not an email address")
            }
            email = first.lowercased()
        }
        var currencies: [String] = []
        if let cell = values["currency"], !cell.isEmpty {
            let code = cell.uppercased()
            guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw Problem("'\(Self.shown(cell))' is not a currency code (e.g. USD, CAD, EUR)")
            }
            currencies.append(code)
        }
        func amount(_ field: String, _ label: String) throws -> Decimal? {
            guard let cell = values[field], !cell.isEmpty else { return nil }
            do {
                let (value, named) = try Money.parse(cell)
                if let named { currencies.append(named) }
                return value
            } catch let error as Money.ParseError {
                throw Problem("\(label): \(error.description)")
            }
        }
        guard let total = try amount("total", "total") else { throw Problem("no total amount") }
        let paid = try amount("paid", "amount paid")
        var balance = try amount("balance", "balance")
        let codes = Set(currencies)
        guard codes.count <= 1 else {
            throw Problem("the amounts name different currencies (\(codes.sorted().joined(separator: ", ")))")
        }
        guard let currency = codes.first ?? self.currency else {
            throw Problem("no currency: add a Currency column, or give --currency CODE")
        }
        guard total >= 0 else { throw Problem("a negative total (a credit note?) is not an invoice") }
        var status: Invoice.Status
        if let cell = values["status"], !cell.isEmpty {
            let key = CSVColumns.key(cell)
            guard
                let known = Self.statuses[key]
                    ?? (key.hasPrefix("overdue") || key.hasPrefix("duein") || key.hasPrefix("partial") ? .open : nil)
            else {
                throw Problem(
                    "unknown status '\(Self.shown(cell))' (open, overdue, partial, awaiting payment, paid, void, draft…)"
                )
            }
            status = known
        } else {
            status = (balance ?? total - (paid ?? 0)) > 0 ? .open : .paid
        }
        if balance == nil { balance = status == .open ? total - (paid ?? 0) : 0 }
        guard let owed = balance, owed <= total else {
            throw Problem(
                "the balance \(Money.text(balance ?? 0, currency)) is more than the total \(Money.text(total, currency))"
            )
        }
        if status == .open && owed <= 0 { status = .paid }
        func date(_ field: String, _ label: String) throws -> LocalDate? {
            guard let cell = values[field], !cell.isEmpty else { return nil }
            guard let reading = LocalDate.read(cell), let date = LocalDate.resolve(reading, order) else {
                throw Problem("\(label) '\(Self.shown(cell))' is not a date between 2000 and 2099")
            }
            return date
        }
        let issued = try date("issued", "the invoice date")
        let due = try date("due", "the due date")
        if status == .open && due == nil { throw Problem("no due date, so it cannot be chased") }
        return Invoice(
            number: number, customer: customer, email: email, issued: issued, due: due, total: total,
            balance: status == .open ? owed : max(0, owed), currency: currency, status: status,
            source: source?.rawValue ?? "csv")
    }

    /// Refuses text a person would not write in the field: control characters, a spreadsheet
    /// formula (`=HYPERLINK(…)`, `@SUM(…)`), more than `max` characters.
    private static func checkText(_ text: String, _ label: String, max: Int) throws {
        guard text.count <= max else { throw Problem("the \(label) has \(text.count) characters (at most \(max))") }
        guard
            !text.unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
            })
        else {
            throw Problem("the \(label) holds control characters")
        }
        if let first = text.first, "=+@".contains(first) || (first == "-" && text.dropFirst().first?.isNumber != true) {
            throw Problem("the \(label) '\(shown(text))' looks like a spreadsheet formula")
        }
    }

    /// A cell as quoted in a refusal: at most 40 characters, control characters as `?`.
    private static func shown(_ cell: String) -> String {
        let clean = String(cell.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
        return clean.count > 40 ? String(clean.prefix(40)) + "…" : clean
    }

    /// What differs between two rows of one invoice number, in words.
    private static func difference(_ a: Invoice, _ b: Invoice) -> String {
        var names: [String] = []
        if a.customer != b.customer { names.append("customer") }
        if a.email != b.email { names.append("email") }
        if a.issued != b.issued { names.append("invoice date") }
        if a.due != b.due { names.append("due date") }
        if a.total != b.total { names.append("total") }
        if a.balance != b.balance { names.append("balance") }
        if a.currency != b.currency { names.append("currency") }
        if a.status != b.status { names.append("status") }
        return names.joined(separator: ", ")
    }
}
