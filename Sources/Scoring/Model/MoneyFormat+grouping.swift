import Foundation

extension MoneyFormat {
    /// A figure with its thousands grouped and at most `places` decimals, trailing zeros dropped:
    /// `1,234.5`, `86,607,176`, `−12`. French style groups with a no-break space and uses a
    /// decimal comma (`1 234,5`).
    ///
    /// - Parameters:
    ///   - value: the figure; a value that is not finite reads `0`.
    ///   - places: the most decimals to show (0 to 6).
    ///   - french: group and separate decimals the way Quebec writes numbers.
    public static func figure(_ value: Double, places: Int = 1, french: Bool = false) -> String {
        let places = max(0, min(6, places))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        // Clamped as in ``money(_:_:)``: past a quadrillion a figure is a mistake to show, not a crash.
        let clamped = max(-1e15, min(1e15, value.isFinite ? value : 0))
        let scaled = (clamped * scale).rounded(.toNearestOrAwayFromZero)
        let magnitude = Int64(abs(scaled))
        let whole = magnitude / Int64(scale), fraction = magnitude % Int64(scale)
        var text = grouped(whole, separator: french ? "\u{00A0}" : ",")
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: places - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += (french ? "," : ".") + digits
        }
        return (scaled < 0 ? "−" : "") + text
    }

    /// Money shortened for a chart axis, with one unit for the whole axis: `−$1.5M`, `$250M`,
    /// `$2B` (Quebec: `1,5 M$`); below a million it is ``money(_:_:)`` (`$250,000`). Axis ticks are
    /// round numbers, so the short form stays exact; figures a reader copies (tables, sentences)
    /// use ``money(_:_:)``.
    ///
    /// - Parameters:
    ///   - amount: the tick's value.
    ///   - scale: the largest magnitude on the axis; it picks the unit.
    ///   - style: the business's currency and region.
    public static func compactMoney(_ amount: Double, scale: Double, _ style: MoneyStyle) -> String {
        let units: [(unit: Double, suffix: String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M")]
        guard let (unit, suffix) = units.first(where: { abs(scale) >= $0.unit }) else {
            return money(amount, style)
        }
        let value = (amount.isFinite ? amount : 0) / unit
        // Enough decimals to tell ticks apart (a step of 0.25M needs two), never more than three.
        var places = 0
        while places < 3, abs(value * pow(10, Double(places)) - (value * pow(10, Double(places))).rounded()) > 1e-6 {
            places += 1
        }
        let number = figure(abs(value), places: places, french: style.french)
        if number == "0" { return money(0, style) }
        let sign = value < 0 ? "−" : ""
        if style.french {
            return sign + number + "\u{00A0}" + suffix + style.symbol.trimmingCharacters(in: .whitespaces)
        }
        return sign + style.symbol + number + suffix
    }
}
