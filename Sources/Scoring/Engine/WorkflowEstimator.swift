/// Estimates each workflow: its automation potential, the rate its hours cost, rework, ease, and
/// the revenue effect of faster lead responses. Pure.
struct WorkflowEstimator {
    let parameters: ScoringParameters
    let profile: BusinessProfile

    func estimate(_ w: WorkflowAnswers, revenueEffect: Double) -> WorkflowEstimate {
        let p = parameters
        // A listed type's prior, or the one built from the kind of work a named workflow mostly is.
        let typePrior = p.prior(for: w)
        let prior =
            typePrior.map { mix in
                mix.mix.reduce(0.0) { $0 + $1.value * (p.activities.automatable[$1.key] ?? 0) }
            } ?? 0
        return WorkflowEstimate(
            answers: w,
            label: p.label(for: w),
            prior: prior,
            adjustment: adjustmentFactors(w).reduce(1) { $0 * $1.factor },
            cap: typePrior?.cap ?? 0,
            hourlyRate: hourlyRate(people: w.people),
            reworkShare: p.rework.errorShare[w.errorRate] ?? 0,
            revenueEffect: revenueEffect,
            ease: easeFactors(w).reduce(0) { $0 + $1.weight * $1.score })
    }

    /// The factors the workflow's answers apply to its prior, with a name each for explanations.
    func adjustmentFactors(_ w: WorkflowAnswers) -> [(name: String, answer: String, factor: Double)] {
        let a = parameters.adjustments
        let repeatable = a.repeatable[clampedScale(w.repeatable) - 1]
        let rules = a.ruleBased[clampedScale(w.ruleBased) - 1]
        let input = a.inputFormat[w.inputFormat] ?? 1
        let tools = a.toolsTouched[min(max(1, w.toolsTouched), a.toolsTouched.count) - 1]
        return [
            ("same steps every time", "\(w.repeatable)/5", repeatable),
            ("rules rather than judgement", "\(w.ruleBased)/5", rules),
            ("starts from", w.inputFormat, input),
            ("tools touched per run", "\(w.toolsTouched)", tools),
        ]
    }

    /// The four ease factors: each a score from 0 to 1 and its weight.
    func easeFactors(_ w: WorkflowAnswers) -> [(name: String, score: Double, weight: Double)] {
        let e = parameters.ease
        let apiKey = profile.cloudTools.map { $0 ? "online" : "offline" } ?? "unknown"
        let integrations = e.integrations[min(max(1, w.toolsTouched), e.integrations.count) - 1]
        let dataQuality = 0.2 + 0.8 * Double(clampedScale(profile.dataQuality) - 1) / 4
        return [
            ("tools with APIs (\(apiKey))", e.apis[apiKey] ?? 0.6, e.weights.apis),
            ("integrations needed (\(w.toolsTouched) tools)", integrations, e.weights.integrations),
            ("data quality (\(profile.dataQuality)/5)", dataQuality, e.weights.dataQuality),
            (
                "process written down (\(profile.processesDocumented))",
                e.documentation[profile.processesDocumented] ?? 0.3, e.weights.documentation
            ),
        ]
    }

    /// Staff do the work at the staff rate; the owner's rate counts only where the whole team takes
    /// part (which includes the owner, and always so in a business of one). Conservative on purpose.
    func hourlyRate(people: Int) -> Double {
        let people = max(1, min(people, profile.teamSize))
        guard people == profile.teamSize else { return profile.staffHourly }
        return (profile.ownerHourly + Double(people - 1) * profile.staffHourly) / Double(people)
    }

    private func clampedScale(_ point: Int) -> Int { min(5, max(1, point)) }
}
