/// A seeded Monte Carlo over the uncertain inputs: hours, automation potential, hourly cost, the
/// share of benefit realised and the revenue uplift, each drawn uniformly from its range.
struct MonteCarlo: Sendable {
    let parameters: MonteCarloParameters
    let workingWeeks: Double
    let reworkReduction: Double

    /// The draws' figures, each list sorted ascending (so percentiles read without sorting again).
    struct Outcome {
        let netBenefit: [Double]
        /// Months to payback; `.infinity` when a draw does not pay back within the horizon.
        let payback: [Double]
        /// The same draws counting time saved alone, without the revenue effect.
        let timeOnlyNetBenefit: [Double]
        let timeOnlyPayback: [Double]
    }

    /// Runs `parameters.samples` draws. `cashFlow` builds the plan's cash flow for a yearly benefit.
    func run(estimates: [WorkflowEstimate], revenue: (Double) -> Double, cashFlow: (Double) -> CashFlow) -> Outcome {
        var generator = SeededGenerator(seed: parameters.seed)
        let p = parameters
        var net: [Double] = []
        var payback: [Double] = []
        var timeNet: [Double] = []
        var timePayback: [Double] = []
        net.reserveCapacity(p.samples)
        payback.reserveCapacity(p.samples)
        timeNet.reserveCapacity(p.samples)
        timePayback.reserveCapacity(p.samples)
        for _ in 0..<p.samples {
            let hours = generator.uniform(1 - p.hoursSpread, 1 + p.hoursSpread)
            let potential = generator.uniform(1 - p.potentialSpread, 1 + p.potentialSpread)
            let cost = generator.uniform(1 - p.costSpread, 1 + p.costSpread)
            let realisation = generator.uniform(p.realisation[0], p.realisation[1])
            let uplift = generator.uniform(p.upliftFactor[0], p.upliftFactor[1])
            var time = 0.0
            for e in estimates {
                time += e.timeValue(
                    weeks: workingWeeks, reduction: reworkReduction, hoursFactor: hours, potentialFactor: potential,
                    costFactor: cost)
            }
            let flow = cashFlow((time + revenue(uplift)) * realisation)
            net.append(flow.annualNetBenefit)
            payback.append(flow.paybackMonths ?? .infinity)
            let timeFlow = cashFlow(time * realisation)
            timeNet.append(timeFlow.annualNetBenefit)
            timePayback.append(timeFlow.paybackMonths ?? .infinity)
        }
        return Outcome(
            netBenefit: net.sorted(), payback: payback.sorted(), timeOnlyNetBenefit: timeNet.sorted(),
            timeOnlyPayback: timePayback.sorted())
    }

    /// The value below which `fraction` of the draws fall (nearest rank), from values sorted ascending.
    static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let index = Int((fraction * Double(sorted.count - 1)).rounded(.toNearestOrAwayFromZero))
        return sorted[min(max(0, index), sorted.count - 1)]
    }
}
