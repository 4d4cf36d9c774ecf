import Foundation

/// Money and numbers as a client reads them: `$12,345`, `€900`, `4.5 h`.
public enum MoneyFormat {
    public static func money(_ amount: Double, _ currency: String) -> String {
        let symbol = ["CAD": "$", "USD": "US$", "EUR": "€", "GBP": "£"][currency] ?? "\(currency) "
        // Clamped: a figure past a trillion is a mistake to show, not a reason to crash.
        let whole = Int64(max(-1e15, min(1e15, amount.isFinite ? amount : 0)).rounded(.toNearestOrAwayFromZero))
        return (whole < 0 ? "−" : "") + symbol + grouped(abs(whole))
    }

    public static func grouped(_ n: Int64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
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
