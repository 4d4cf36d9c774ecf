import Foundation

/// How money reads for a business: its currency, written the way its region writes it.
public struct MoneyStyle: Sendable, Equatable {
    public let currency: String
    /// Quebec writes `17 912 $`; English Canada `$17,912`; the United States `$17,912` for dollars.
    public let french: Bool
    let symbol: String

    public init(currency: String, region: String) {
        self.currency = currency
        french = region == "quebec"
        let symbols: [String: String] = ["EUR": "€", "GBP": "£"]
        switch (currency, region) {
        case ("CAD", "us"): symbol = "CA$"
        case ("USD", "us"): symbol = "$"
        case ("CAD", _): symbol = "$"
        case ("USD", _): symbol = "US$"
        default: symbol = symbols[currency] ?? "\(currency) "
        }
    }
}

/// Money and numbers as a client reads them: `$12,345`, `12 345 $`, `€900`, `4.5 h`.
public enum MoneyFormat {
    /// Whole units of money in the business's style.
    public static func money(_ amount: Double, _ style: MoneyStyle) -> String {
        // Clamped: a figure past a trillion is a mistake to show, not a reason to crash.
        let whole = Int64(max(-1e15, min(1e15, amount.isFinite ? amount : 0)).rounded(.toNearestOrAwayFromZero))
        let sign = whole < 0 ? "−" : ""
        if style.french {
            return sign + grouped(abs(whole), separator: "\u{00A0}") + "\u{00A0}"
                + style.symbol.trimmingCharacters(in: .whitespaces)
        }
        return sign + style.symbol + grouped(abs(whole))
    }

    /// Whole units of money in English-Canadian style, for callers that know only the currency.
    public static func money(_ amount: Double, _ currency: String) -> String {
        money(amount, MoneyStyle(currency: currency, region: ""))
    }

    /// A whole number with the business's digit grouping: `1,080` or `1 080`.
    public static func number(_ n: Int64, _ style: MoneyStyle) -> String {
        (n < 0 ? "−" : "") + grouped(abs(n), separator: style.french ? "\u{00A0}" : ",")
    }

    public static func grouped(_ n: Int64, separator: String = ",") -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += separator }
            out.append(d)
        }
        return out
    }

    public static func percent(_ share: Double) -> String {
        // Grouped (`86,607,176%`); the sign stays an ASCII hyphen as before.
        let shown = percentShown(share) * 100
        return (shown < 0 && shown.rounded() != 0 ? "-" : "") + figure(abs(shown), places: 0) + "%"
    }

    /// The share as ``percent(_:)`` shows it (0.7026 → 0.70), for comparisons that must agree with
    /// the sentence that states them.
    public static func percentShown(_ share: Double) -> Double {
        // Through tenths first, so that 0.635 (stored as 0.63499…) reads 64%, as a person rounds it.
        guard share.isFinite else { return share }
        return ((share * 1000).rounded() / 10).rounded(.toNearestOrAwayFromZero) / 100
    }

    /// A duration as a person says it: `5 minutes`, `5 hours`, `1 hour 30 minutes`, `2 days`.
    public static func duration(minutes: Double) -> String {
        guard minutes.isFinite, minutes > 0 else { return "no time" }
        func unit(_ n: Int, _ one: String) -> String { "\(grouped(Int64(n))) \(one)\(n == 1 ? "" : "s")" }
        // Held at a million years: a figure read from a file may be any finite number, and must not trap.
        let total = Int(min(minutes, 525_600_000_000).rounded())
        if total < 1 { return "under a minute" }
        if total < 60 { return unit(total, "minute") }
        let days = total / 1440, hours = (total % 1440) / 60, mins = total % 60
        if days > 0 {
            // Past a day, minutes are noise: round to hours.
            let roundedHours = Int((Double(total % 1440) / 60).rounded())
            if roundedHours == 24 { return unit(days + 1, "day") }
            return roundedHours == 0 ? unit(days, "day") : "\(unit(days, "day")) \(unit(roundedHours, "hour"))"
        }
        return mins == 0 ? unit(hours, "hour") : "\(unit(hours, "hour")) \(unit(mins, "minute"))"
    }

    public static func hours(_ h: Double) -> String {
        "\(figure(h, places: 1)) h"
    }
}
