import Blueprint
import Foundation
import Testing

/// The burst allowance of a generated limit: the busiest hour of a year of random arrivals.
struct BusiestHourTests {
    /// P(X > k) for X ~ Poisson(average), summed in logs (independent of the code under test).
    static func tail(_ average: Double, above k: Double) -> Double {
        var below = 0.0
        for i in stride(from: 0.0, through: k, by: 1) {
            below += exp(-average + i * log(average) - lgamma(i + 1))
        }
        return max(0, 1 - below)
    }

    @Test func smallRatesGetTheirBusiestHourAndLargeOnesThreeTimesTheAverage() {
        let year = 45.0 * 52
        #expect(Limits.busiestHour(average: 2, hoursPerYear: year) == 8)
        #expect(Limits.busiestHour(average: 30.0 / 45, hoursPerYear: year) == 5)
        #expect(Limits.busiestHour(average: 0, hoursPerYear: year) == 0)
        #expect(Limits.busiestHour(average: 500, hoursPerYear: year) == 0)
        // 90 items a week (2 an hour), 5 actions each: the busiest hour (8 × 5 = 40), not 3× (30).
        #expect(Limits.sized(expectedPerWeek: 90, hoursPerWeek: 45, actionsPerItem: 5, floor: 1) == 40)
        // 10 an hour: 3× the average (30) is larger than the busiest hour (22).
        #expect(Limits.busiestHour(average: 10, hoursPerYear: year) == 22)
        #expect(Limits.sized(expectedPerWeek: 450, hoursPerWeek: 45, actionsPerItem: 1, floor: 1) == 30)
    }

    @Test(arguments: 0..<300)
    func aboutOneHourAYearIsBusierThanIt(seed: Int) {
        // Averages from 0.01 to 100 an hour, years from a few hours a week to every hour.
        let average = 0.01 * pow(10_000, Double(seed % 100) / 99)
        let year = [10.0, 45, 168][seed % 3] * 52
        let k = Limits.busiestHour(average: average, hoursPerYear: year)
        #expect(Self.tail(average, above: k) <= 1 / year * 1.000_001, "\(average) an hour: \(k)")
        if k > 0 { #expect(Self.tail(average, above: k - 1) > 1 / year, "\(average) an hour: \(k) is not the least") }
        if average * 1.1 <= 100 { #expect(Limits.busiestHour(average: average * 1.1, hoursPerYear: year) >= k) }
    }
}
