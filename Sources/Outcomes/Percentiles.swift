import Foundation

/// Percentiles as every figure of Baton's KPIs takes them, written once.
public enum Percentiles {
    /// The value at rank `round(p × (n − 1))` of `sorted` (ascending), or `nil` when it is empty.
    public static func nearestRank(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((min(1, max(0, p)) * Double(sorted.count - 1)).rounded())
        return sorted[min(sorted.count - 1, rank)]
    }

    /// A distribution-free interval of at least 90% around the median of `sorted` (ascending): the
    /// order statistics whose ranks the binomial(n, ½) puts 1.645 standard deviations either side
    /// of the middle. `nil` under ``Confidence/minimumSample`` values, where it would be the whole range.
    public static func medianInterval(_ sorted: [Double]) -> (low: Double, high: Double)? {
        let n = sorted.count
        guard n >= Confidence.minimumSample else { return nil }
        let spread = 1.645 * Double(n).squareRoot() / 2
        let low = max(0, Int((Double(n) / 2 - spread).rounded(.down)) - 1)
        let high = min(n - 1, Int((Double(n) / 2 + spread).rounded(.up)))
        return (sorted[low], sorted[high])
    }
}
