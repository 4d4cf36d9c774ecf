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
        // Through tenths first, so that 0.635 (stored as 0.63499…) reads 64%, as a person rounds it.
        "\(Figure.decimal((share * 1000).rounded() / 10, places: 0))%"
    }

    public static func hours(_ h: Double) -> String {
        "\(Figure.decimal(h, places: 1)) h"
    }
}
