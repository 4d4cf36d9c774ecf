import BatonTestSupport
import CSV
import Foundation
import Testing

@testable import Orchestrator

/// `baton books import` over generated exports of QuickBooks Online, Xero and Wave (columns in
/// any order, quoting, amounts and dates in each tool's spellings, line items) and hostile files.
struct BooksImportTests {
    /// One generated export: its text, the reader that reads it, and what it must read as.
    struct Export {
        var text: String
        var reader: InvoiceImport
        var expected: [Invoice]
        var lineItems: Int
    }

    static let headers: [InvoiceImport.Source: [String: [String]]] = [
        .xero: [
            "number": ["InvoiceNumber"], "customer": ["ContactName"], "email": ["EmailAddress"],
            "issued": ["InvoiceDate"], "due": ["DueDate"], "total": ["Total"], "paid": ["InvoiceAmountPaid"],
            "balance": ["InvoiceAmountDue"], "currency": ["Currency"], "status": ["Status"],
        ],
        .quickbooks: [
            "number": ["Invoice no.", "No.", "Num"], "customer": ["Customer", "Name"], "email": ["Email"],
            "issued": ["Invoice date", "Date"], "due": ["Due date"], "total": ["Amount"],
            "balance": ["Open balance"], "status": ["Status"],
        ],
        .wave: [
            "number": ["Invoice Number"], "customer": ["Customer"], "email": ["Customer Email"],
            "issued": ["Invoice Date"], "due": ["Due Date"], "total": ["Total"], "balance": ["Amount Due"],
            "currency": ["Currency"], "status": ["Status"],
        ],
    ]

    static let extras: [InvoiceImport.Source: [String]] = [
        .xero: ["POAddressLine1", "Reference", "TaxTotal", "Description", "Quantity", "UnitAmount", "Type", "Sent"],
        .quickbooks: ["Transaction type", "Memo/Description", "Terms", "Location"],
        .wave: ["Invoice Title", "Customer Phone", "Memo"],
    ]

    static let statuses: [InvoiceImport.Source: [(String, Invoice.Status)]] = [
        .xero: [
            ("Awaiting Payment", .open), ("AUTHORISED", .open), ("Paid", .paid), ("Voided", .voided), ("Draft", .draft),
        ],
        .quickbooks: [
            ("Open", .open), ("Overdue 12 days", .open), ("Due in 5 days", .open), ("Partial", .open),
            ("Paid", .paid), ("Deposited", .paid), ("Voided", .voided),
        ],
        .wave: [("Sent", .open), ("Viewed", .open), ("Overdue", .open), ("Paid", .paid), ("Draft", .draft)],
    ]

    static let names = [
        "Dana Lee", "O'Brien & Sons, Ltd.", "Zoë \"Z\" Müller", "Łukasz Nowak", "株式会社 山田", "Acme, Inc.",
        "  Pat Smith  ", "Café Olé", "-5 Degrees Refrigeration",
    ]

    /// An amount written as `source` might write it in `currency`.
    static func spell(_ amount: Decimal, _ currency: String, _ random: inout SplitMix) -> String {
        let minor = Money.minorUnits(currency)
        let english = Money.text(amount, currency).split(separator: " ")[0]  // 1,234.56
        let plain = english.replacingOccurrences(of: ",", with: "")
        var european = english.replacingOccurrences(of: ",", with: " ").replacingOccurrences(of: ".", with: ",")
            .replacingOccurrences(of: " ", with: ".")
        if random.chance(30) { european = european.replacingOccurrences(of: ".", with: " ") }
        let symbol = ["USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"][currency]
        var forms = [String(english), plain, "\(currency) \(english)", "\(english) \(currency)"]
        if let symbol { forms += ["\(symbol)\(english)", "\(symbol) \(english)"] }
        if minor == 2 {
            forms += [european, "\(european) \(currency)"]
            if currency == "EUR" { forms.append("\(european) €") }
            if currency == "CHF" { forms.append(english.replacingOccurrences(of: ",", with: "'")) }
        }
        return random.pick(forms)
    }

    static func spell(_ date: LocalDate, _ source: InvoiceImport.Source, _ random: inout SplitMix) -> String {
        let month = LocalDate.monthNames[date.month - 1]
        let short = month.prefix(3).capitalized
        switch source {
        case .xero:
            return random.pick([
                String(format: "%02d/%02d/%04d", date.day, date.month, date.year), "\(date.day) \(short) \(date.year)",
                date.iso, "\(date.iso)T00:00:00",
            ])
        case .quickbooks:
            return random.pick([
                String(format: "%02d/%02d/%04d", date.month, date.day, date.year),
                "\(date.month)/\(date.day)/\(date.year)",
                String(format: "%02d/%02d/%02d", date.month, date.day, date.year % 100),
            ])
        case .wave:
            return random.pick([
                date.iso, "\(short) \(date.day), \(date.year)", "\(month.capitalized) \(date.day), \(date.year)",
            ])
        }
    }

    static func cell(_ text: String, _ random: inout SplitMix) -> String {
        if text.contains(where: { ",\"\n\r".contains($0) }) || random.chance(25) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    /// A generated export of `source`.
    static func export(_ source: InvoiceImport.Source, seed: UInt64) -> Export {
        var random = SplitMix(seed: seed)
        let currencies = source == .quickbooks ? ["USD"] : ["CAD", "USD", "EUR", "GBP", "JPY", "AUD", "CHF"]
        let headers = Self.headers[source]!
        var fields = Array(headers.keys)
        if source == .quickbooks && random.chance(50) { fields.removeAll { $0 == "email" } }
        var columns = fields.map { ($0, random.pick(headers[$0]!)) } + Self.extras[source]!.map { ("", $0) }
        columns.shuffle(using: &random)
        var lines = [columns.map { cell($0.1, &random) }.joined(separator: ",")]
        var expected: [Invoice] = []
        var lineItems = 0
        for n in 0..<(1 + random.below(30)) {
            let currency = random.pick(currencies)
            let minor = Money.minorUnits(currency)
            let cents = Decimal(random.below(5_000_000) + 1)
            var total = cents
            for _ in 0..<minor { total /= 10 }
            let (statusText, status) = random.pick(Self.statuses[source]!)
            var balance: Decimal = status == .open ? total : (status == .draft ? total : 0)
            if status == .open && random.chance(40) {
                var part = Decimal(random.below(Int(truncating: cents as NSNumber)) + 1)
                for _ in 0..<minor { part /= 10 }
                balance = part
            }
            let issued = LocalDate(year: 2026, month: 1 + random.below(12), day: 1 + random.below(28))!
            let due = issued.adding(days: random.pick([0, 7, 14, 30, 45]))!
            let number = random.pick(["INV-", "", "QB-", "2026/"]) + String(format: "%04d", n + 1)
            let customer = random.pick(Self.names)
            let email = fields.contains("email") && random.chance(85) ? "billing\(n)@example.com" : nil
            let invoice = Invoice(
                number: number, customer: customer.trimmingCharacters(in: .whitespaces), email: email,
                issued: issued, due: due, total: total, balance: balance, currency: currency,
                status: status == .open && balance <= 0 ? .paid : status, source: source.rawValue)
            expected.append(invoice)
            // Xero writes one row per line item: the invoice's own cells repeated.
            let rows = source == .xero && random.chance(30) ? 2 + random.below(3) : 1
            lineItems += rows - 1
            for _ in 0..<rows {
                let values = columns.map { (field, _) -> String in
                    switch field {
                    case "number": return number
                    case "customer": return customer
                    case "email": return email.map { random.chance(20) ? $0.uppercased() : $0 } ?? ""
                    case "issued": return spell(issued, source, &random)
                    case "due": return spell(due, source, &random)
                    case "total": return spell(total, currency, &random)
                    case "paid": return spell(total - balance, currency, &random)
                    case "balance": return spell(balance, currency, &random)
                    case "currency": return random.chance(20) ? currency.lowercased() : currency
                    case "status": return statusText
                    default: return random.pick(["", "Plumbing, 2 hours", "42", "=1+1", "Line \"A\""])
                    }
                }
                lines.append(values.map { cell($0, &random) }.joined(separator: ","))
            }
        }
        var text = lines.joined(separator: random.chance(50) ? "\r\n" : "\n") + (random.chance(50) ? "\n" : "")
        if random.chance(20) { text = "\u{FEFF}" + text }
        let reader = InvoiceImport(
            source: random.chance(50) ? source : nil, currency: source == .quickbooks ? "USD" : nil)
        return Export(text: text, reader: reader, expected: expected, lineItems: lineItems)
    }

    @Test(arguments: InvoiceImport.Source.allCases)
    func generatedExportsReadExactly(source: InvoiceImport.Source) throws {
        for seed in 0..<150 as Range<UInt64> {
            let export = Self.export(source, seed: seed * 7919 + 17)
            let result = try export.reader.read(export.text)
            #expect(result.refused == [], "seed \(seed): \(result.refused)\n\(export.text)")
            #expect(result.invoices == export.expected, "seed \(seed)\n\(export.text)")
            #expect(result.lineItems == export.lineItems, "seed \(seed)")
            #expect(result.ignoredColumns.sorted() == Self.extras[source]!.sorted(), "seed \(seed)")
        }
    }

    @Test func amountsReadExactlyInEverySpelling() throws {
        var random = SplitMix(seed: 7)
        for _ in 0..<2_000 {
            let currency = random.pick(["USD", "EUR", "CHF", "JPY", "CAD", "GBP"])
            var amount = Decimal(random.below(1_000_000_000))
            for _ in 0..<Money.minorUnits(currency) { amount /= 10 }
            let text = Self.spell(amount, currency, &random)
            let read = try Money.parse(text)
            #expect(read.amount == amount, "\(text)")
            #expect(read.currency == nil || read.currency == currency, "\(text)")
            let negative = try Money.parse("(\(text))").amount
            #expect(negative == -amount, "(\(text))")
        }
        #expect(try Money.parse("12,34,567.50").amount == Decimal(string: "1234567.5"))
        #expect(try Money.parse("-$1,234.50").amount == Decimal(string: "-1234.5"))
        #expect(try Money.parse("1,234.50-").amount == Decimal(string: "-1234.5"))
        #expect(try Money.parse("0.1").amount + Money.parse("0.2").amount == Money.parse("0.3").amount)
        for bad in [
            "", "abc", "1,2,3", "12,34.5,6", "1..2", "$", "=SUM(A1:A3)", "1e5", "--5", "(-5)", "1.23456", "€5 USD",
            "12 34", "0x1F", "NaN", "∞", String(repeating: "9", count: 41), "1,234,56", "CAD USD 5",
        ] {
            #expect(throws: Money.ParseError.self, "\(bad)") { try Money.parse(bad) }
        }
        #expect(Money.text(Decimal(string: "-1234567.5")!, "CAD") == "-1,234,567.50 CAD")
        #expect(Money.text(Decimal(string: "1234.5")!, "JPY") == "1,235 JPY")
        #expect(Money.text(Decimal(string: "0.0005")!, "KWD") == "0.001 KWD")
    }

    static let header = "Invoice Number,Customer,Email,Invoice Date,Due Date,Total,Amount Due,Currency,Status"
    static let good = "INV-1,Dana Lee,dana@example.com,2026-03-01,2026-03-15,\"$1,200.00\",\"1,200.00\",CAD,Sent"

    /// One hostile row among good ones: refused with its line and why, the rest imported.
    @Test(arguments: [
        (
            "INV-9,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"pay\"\")\",a@example.com,2026-03-01,2026-03-15,10,10,CAD,Sent",
            "looks like a spreadsheet formula"
        ),
        ("INV-9,Sam,a@example.com,2026-03-01,2026-03-15,=SUM(A1:A3),10,CAD,Sent", "'=SUM(A1:A3)' is not an amount"),
        ("+INV-9,Sam,a@example.com,2026-03-01,2026-03-15,10,10,CAD,Sent", "looks like a spreadsheet formula"),
        ("@cmd,Sam,a@example.com,2026-03-01,2026-03-15,10,10,CAD,Sent", "looks like a spreadsheet formula"),
        (
            "INV-9,\(String(repeating: "A", count: 5_000)),a@example.com,2026-03-01,2026-03-15,10,10,CAD,Sent",
            "has 5000 characters (at most 1000)"
        ),
        ("INV-9,Sam,a@example.com,2026-02-30,2026-03-15,10,10,CAD,Sent", "the invoice date '2026-02-30' is not a date"),
        ("INV-9,Sam,a@example.com,2026-03-01,13/13/2026,10,10,CAD,Sent", "the due date '13/13/2026' is not a date"),
        ("INV-9,Sam,a@example.com,2026-03-01,yesterday,10,10,CAD,Sent", "the due date 'yesterday' is not a date"),
        ("INV-9,Sam,a@example.com,2026-03-01,1899-12-31,10,10,CAD,Sent", "is not a date between 2000 and 2099"),
        ("INV-9,Sam,a@example.com,2026-03-01,,10,10,CAD,Sent", "no due date"),
        (
            "INV-1,Dana Lee,dana@example.com,2026-03-01,2026-03-15,999.00,999.00,CAD,Sent",
            "invoice INV-1 is already on line 2 with another total, balance"
        ),
        ("INV-9,Sam,a@example.com,2026-03-01,2026-03-15,10,10,CAD,Bogus", "unknown status 'Bogus'"),
        ("INV-9,Sam,a@example.com,2026-03-01,2026-03-15,(10.00),0,CAD,Paid", "a negative total"),
        ("INV-9,Sam,a@example.com,2026-03-01,2026-03-15,10,20,CAD,Sent", "is more than the total"),
        ("INV-9,Sam,not-an-address,2026-03-01,2026-03-15,10,10,CAD,Sent", "'not-an-address' is not an email address"),
        ("INV-9,Sam,a@example.com,2026-03-01,2026-03-15,10 EUR,10,CAD,Sent", "name different currencies"),
        ("INV-9,Sam,a@example.com,2026-03-01,2026-03-15,10,10,C$D,Sent", "is not a currency code"),
        ("INV\u{7}9,Sam,a@example.com,2026-03-01,2026-03-15,10,10,CAD,Sent", "holds control characters"),
        ("INV-9,Sam\u{202E}gnp.exe,a@example.com,2026-03-01,2026-03-15,10,10,CAD,Sent", "holds control characters"),
        (",Sam,a@example.com,2026-03-01,2026-03-15,10,10,CAD,Sent", "no invoice number"),
        ("INV-9,Sam,a@example.com,2026-03-01,2026-03-15,,10,CAD,Sent", "no total amount"),
    ])
    func aHostileRowIsRefusedWithItsLine(row: String, why: String) throws {
        let text = [Self.header, Self.good, row, "INV-2,Sam Roe,sam@example.com,2026-03-02,2026-03-16,500,0,CAD,Paid"]
            .joined(separator: "\n")
        let result = try InvoiceImport().read(text)
        #expect(result.refused.count == 1)
        #expect(result.refused.first?.line == 3)
        #expect(result.refused.first?.message.contains(why) == true, "\(result.refused)")
        #expect(result.invoices.map(\.number) == ["INV-1", "INV-2"])
    }

    @Test func garbageRowsNeverStopAnImport() throws {
        var random = SplitMix(seed: 99)
        let alphabet = Array("aZ09,.;:'\"$€()-+=@ \t/\\\u{0}\u{7}\u{202E}é株\r\n")
        for round in 0..<300 {
            var rows = [Self.header, Self.good]
            for _ in 0..<5 {
                rows.append(String((0..<random.below(120)).map { _ in random.pick(alphabet) }))
            }
            let text = rows.joined(separator: "\n")
            do {
                let result = try InvoiceImport(currency: "CAD").read(text)
                #expect(result.invoices.first?.number == "INV-1", "round \(round)")
                for refusal in result.refused { #expect(refusal.line >= 3, "round \(round)") }
            } catch let error as CSVError {
                // Only the file as a whole: a quote never closed, or dates in two orders.
                #expect(error.message.contains("never closed") || error.message.contains("--dates"), "round \(round)")
            }
        }
    }

    @Test func theFileAsAWholeIsBounded() throws {
        #expect(throws: CSVError.self) { try InvoiceImport().read("") }
        #expect(throws: CSVError.self) { try InvoiceImport().read("Customer,Total\nDana,10\n") }
        #expect(throws: CSVError.self) { try InvoiceImport(mapping: ["Owing": "owed"]).read(Self.header + "\n") }
        let many =
            ([Self.header]
            + (0...InvoiceImport.maxRows).map { "INV-\($0),A,a@example.com,2026-03-01,2026-03-15,1,1,CAD,Sent" })
            .joined(separator: "\n")
        let tooMany = #expect(throws: CSVError.self) { try InvoiceImport().read(many) }
        #expect(tooMany?.message.contains("more than 50000 rows") == true)
        let big = String(repeating: "x", count: InvoiceImport.maxBytes + 1)
        #expect(throws: CSVError.self) { try InvoiceImport().read(big) }
        // 13/03 is day first, 03/13 month first: the file cannot say; --dates can.
        let mixed = [
            Self.header, "A,S,a@example.com,13/03/2026,20/03/2026,1,1,CAD,Sent",
            "B,S,b@example.com,03/13/2026,03/20/2026,1,1,CAD,Sent",
        ]
        .joined(separator: "\n")
        let both = #expect(throws: CSVError.self) { try InvoiceImport().read(mixed) }
        #expect(both?.message.contains("--dates") == true)
        let forced = try InvoiceImport(dateOrder: .dmy).read(mixed)
        #expect(forced.invoices.map(\.number) == ["A"] && forced.refused.map(\.line) == [3])
    }

    @Test func columnsAreMatchedByNameOrByMap() throws {
        let text =
            "Ref,Client email,Owing,Total,Due,Client\nR-1,x@example.com,\"€ 1.234,50\",\"1.500,00 €\",5 Mar 2026,Ana\n"
        let result = try InvoiceImport(mapping: ["Ref": "number", "Client email": "email", "Owing": "balance"])
            .read(text)
        #expect(result.refused == [])
        let invoice = try #require(result.invoices.first)
        #expect(invoice.number == "R-1" && invoice.customer == "Ana" && invoice.email == "x@example.com")
        #expect(invoice.balance == Decimal(string: "1234.5") && invoice.total == 1500 && invoice.currency == "EUR")
        #expect(invoice.due == LocalDate(year: 2026, month: 3, day: 5) && invoice.status == .open)
    }
}
