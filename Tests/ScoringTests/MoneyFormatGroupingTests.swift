import Foundation
import Testing

@testable import Scoring

/// Large figures are grouped wherever they are printed, and chart axes shorten money honestly.
struct MoneyFormatGroupingTests {
    @Test(arguments: [
        (0.0, 1, "0"), (4.5, 1, "4.5"), (4.0, 1, "4"), (1234.56, 1, "1,234.6"), (-1234.5, 1, "−1,234.5"),
        (86_607_176.0, 0, "86,607,176"), (999.95, 1, "1,000"), (0.25, 2, "0.25"), (1_000_000.05, 2, "1,000,000.05"),
        (.nan, 1, "0"), (.infinity, 0, "0"), (1e16, 0, "1,000,000,000,000,000"),
    ])
    func figures(value: Double, places: Int, expected: String) {
        #expect(MoneyFormat.figure(value, places: places) == expected)
    }

    @Test func frenchFiguresUseANoBreakSpaceAndADecimalComma() {
        #expect(MoneyFormat.figure(1234.5, places: 1, french: true) == "1\u{00A0}234,5")
    }

    /// Over many values: the digits read back to the rounded value, groups are three digits.
    @Test func figuresReadBackAndGroupByThree() {
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let exponent = Double(seed >> 40) / Double(1 << 24) * 14
            let value = pow(10, exponent) * (seed & 1 == 0 ? 1 : -1)
            let text = MoneyFormat.figure(value, places: 1)
            let plain = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "−", with: "-")
            #expect(abs(Double(plain)! - (value * 10).rounded() / 10) < 0.051, "\(value) → \(text)")
            let whole = text.split(separator: ".")[0].replacingOccurrences(of: "−", with: "")
            let groups = whole.split(separator: ",")
            #expect(groups.dropFirst().allSatisfy { $0.count == 3 } && (1...3).contains(groups[0].count), "\(text)")
        }
    }

    @Test func percentagesAndHoursAreGrouped() {
        #expect(MoneyFormat.percent(866_071.76) == "86,607,176%")
        #expect(MoneyFormat.percent(0.635) == "64%")
        #expect(MoneyFormat.percent(-0.25) == "-25%")
        #expect(MoneyFormat.percent(-0.0001) == "0%")
        #expect(MoneyFormat.hours(12_345.5) == "12,345.5 h")
        #expect(MoneyFormat.hours(4) == "4 h")
    }

    @Test(arguments: [
        (-1_500_000_000.0, 1_500_000_000.0, "ontario", "CAD", "−$1.5B"),
        (2_000_000_000.0, 2_000_000_000.0, "ontario", "CAD", "$2B"),
        (250_000_000.0, 1_000_000_000.0, "ontario", "CAD", "$0.25B"),
        (-3_000_000.0, 5_000_000.0, "us", "USD", "−$3M"),
        (-3_000_000.0, 5_000_000.0, "ontario", "USD", "−US$3M"),
        (1_500_000.0, 5_000_000.0, "quebec", "CAD", "1,5\u{00A0}M$"),
        (0.0, 5_000_000.0, "ontario", "CAD", "$0"),
        (-250_000.0, 500_000.0, "ontario", "CAD", "−$250,000"),
        (4e12, 4e12, "ontario", "CAD", "$4T"),
    ])
    func compactAxisMoney(amount: Double, scale: Double, region: String, currency: String, expected: String) {
        #expect(
            MoneyFormat.compactMoney(amount, scale: scale, MoneyStyle(currency: currency, region: region)) == expected)
    }
}
