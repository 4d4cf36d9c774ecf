import Blueprint
import Foundation

/// The books in the daily report: what is owed now, which invoices were chased in the period
/// (and how far overdue), which were paid or voided.
public struct BooksDay: Sendable, Encodable, Equatable {
    /// "3 invoices owed: 4,200.00 CAD (2 overdue)", one line per currency; empty when nothing is owed.
    public let outstanding: [String]
    /// "INV-1 Dana Lee, 1,200.00 CAD: 10 days overdue, reminded" per reminder raised.
    public let chased: [String]
    /// "INV-3 Sam Roe, 500.00 CAD: paid" per invoice settled.
    public let paid: [String]

    /// Whether the books hold anything worth a section.
    public var isEmpty: Bool { outstanding.isEmpty && chased.isEmpty && paid.isEmpty }

    /// The books of `[start, end)`, what is owed counted at `end` on the business's calendar.
    package init(_ store: any RuntimeStorage, blueprint: Blueprint, from start: Date, to end: Date) async throws {
        let activity = try await store.booksActivity(from: start, to: end)
        let chase = InvoiceChase(blueprint: blueprint)
        var owed: [String: (count: Int, overdue: Int, sum: Decimal)] = [:]
        for booked in activity.outstanding {
            let invoice = booked.invoice
            var entry = owed[invoice.currency] ?? (0, 0, 0)
            entry.count += 1
            entry.sum += invoice.balance
            if let due = invoice.due, chase.daysOverdue(due, at: end) > 0 { entry.overdue += 1 }
            owed[invoice.currency] = entry
        }
        outstanding = owed.keys.sorted().map { currency in
            let e = owed[currency]!
            return
                "\(e.count) invoice\(e.count == 1 ? "" : "s") owed: \(Money.text(e.sum, currency)) (\(e.overdue) overdue)"
        }
        chased = activity.chased.map { item in
            let when = item.step == 0 ? "due today" : "\(item.step) days overdue"
            return "\(Self.name(item.invoice)): \(when), reminded"
        }
        paid = activity.settled.map { "\(Self.name($0.invoice)): \($0.invoice.status.rawValue)" }
    }

    /// "INV-1 Dana Lee, 1,200.00 CAD" (the balance when owed, else the total).
    static func name(_ invoice: Invoice) -> String {
        let amount = invoice.isOwed ? invoice.balance : invoice.total
        let customer = invoice.customer.isEmpty ? "" : " \(invoice.customer)"
        return "\(invoice.number)\(customer), \(Money.text(amount, invoice.currency))"
    }

    /// The section as Markdown lines.
    var markdown: [String] {
        var lines = ["## Invoices"]
        if isEmpty { lines.append("- none imported (`baton books import FILE.csv`)") }
        lines += outstanding.map { "- \($0)" }
        lines += chased.map { "- chased: \($0)" }
        lines += paid.map { "- settled: \($0)" }
        return lines
    }

    /// The values the templates render.
    var templateValues: [String: Any] {
        [
            "outstanding": outstanding, "chased": chased, "paid": paid, "has_books": !isEmpty,
            "has_chased": !chased.isEmpty, "has_paid": !paid.isEmpty,
        ]
    }
}
