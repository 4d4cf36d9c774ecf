/// The numbers of one workflow as the model estimates them, before rounding and wording.
struct WorkflowEstimate: Sendable {
    let answers: WorkflowAnswers
    let label: String
    /// Mix-weighted automatable share before adjustments.
    let prior: Double
    /// Product of the adjustment factors.
    let adjustment: Double
    let cap: Double
    /// Loaded hourly cost of the people doing it.
    let hourlyRate: Double
    let reworkShare: Double
    /// Yearly gross margin from the revenue effect of faster responses (0 when it does not apply).
    let revenueEffect: Double
    let ease: Double

    /// Share of hours automation takes over, for given multipliers on the prior (Monte Carlo draws).
    func potential(potentialFactor: Double = 1) -> Double {
        min(cap, max(0, prior * adjustment * potentialFactor))
    }

    func hoursSaved(hoursFactor: Double = 1, potentialFactor: Double = 1) -> Double {
        answers.hoursPerWeek * hoursFactor * potential(potentialFactor: potentialFactor)
    }

    func reworkHoursSaved(reduction: Double, hoursFactor: Double = 1, potentialFactor: Double = 1) -> Double {
        answers.hoursPerWeek * hoursFactor * reworkShare * reduction * potential(potentialFactor: potentialFactor)
    }

    /// Time and rework saved a year, in money.
    func timeValue(
        weeks: Double, reduction: Double, hoursFactor: Double = 1, potentialFactor: Double = 1, costFactor: Double = 1
    ) -> Double {
        let hours =
            hoursSaved(hoursFactor: hoursFactor, potentialFactor: potentialFactor)
            + reworkHoursSaved(reduction: reduction, hoursFactor: hoursFactor, potentialFactor: potentialFactor)
        return hours * weeks * hourlyRate * costFactor
    }
}
