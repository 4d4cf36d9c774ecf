import Foundation

/// The month-by-month cash flow of a plan: the build paid up front, benefits ramping up after
/// go-live, support months right after go-live in year one and spread evenly after, running costs.
struct CashFlow: Sendable {
    /// Benefit a year at full adoption, already scaled by the realisation share.
    let annualBenefit: Double
    let cost: CostModel
    /// Months from the start to go-live (benefits and running costs begin the month after).
    let goLiveMonth: Int
    let ramp: [Double]
    let horizonMonths: Int
    let discountRate: Double

    /// Net cash flow of month `m` (1-based); month 0 is the build.
    func flow(month m: Int) -> Double {
        guard m > goLiveMonth else { return 0 }
        let live = m - goLiveMonth
        let adoption = ramp[min(live, ramp.count) - 1]
        var support = 0.0
        if m <= 12 {
            support = live <= cost.supportMonthsYearOne ? cost.supportMonthly : 0
        } else {
            support = Double(cost.supportMonthsPerYearAfter) * cost.supportMonthly / 12
        }
        return annualBenefit / 12 * adoption - cost.runningMonthly - support
    }

    /// Months until the cumulative cash flow reaches zero, interpolated within the month; `nil` beyond
    /// the horizon, and when nothing is built (there is nothing to pay back).
    var paybackMonths: Double? {
        guard cost.build > 0 else { return nil }
        var cumulative = -cost.build
        for m in 1...horizonMonths {
            let f = flow(month: m)
            if cumulative + f >= 0, f > 0 {
                return Double(m - 1) + (-cumulative / f)
            }
            cumulative += f
        }
        return nil
    }

    /// Cumulative cash flow at the end of each month, from month 0 (the build) to the horizon.
    var cumulative: [Double] {
        var total = -cost.build
        var points = [total]
        for m in 1...horizonMonths {
            total += flow(month: m)
            points.append(total)
        }
        return points
    }

    /// Net present value over the horizon at the annual discount rate, discounted monthly.
    var netPresentValue: Double {
        var total = -cost.build
        for m in 1...horizonMonths {
            total += flow(month: m) / pow(1 + discountRate, Double(m) / 12)
        }
        return total
    }

    /// Year one: (benefits − costs) / costs, costs including the build.
    var firstYearROI: Double {
        var benefit = 0.0
        var costs = cost.build
        for m in 1...12 where m > goLiveMonth {
            let live = m - goLiveMonth
            benefit += annualBenefit / 12 * ramp[min(live, ramp.count) - 1]
            costs += cost.runningMonthly + (live <= cost.supportMonthsYearOne ? cost.supportMonthly : 0)
        }
        return costs > 0 ? (benefit - costs) / costs : 0
    }

    /// Benefit less ongoing costs, a year, at full adoption (year two on).
    var annualNetBenefit: Double {
        annualBenefit - cost.ongoingPerYear
    }
}
