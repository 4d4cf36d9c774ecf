/// What the recommended system costs: the build, support months, running costs.
struct CostModel: Sendable {
    let build: Double
    let supportMonthly: Double
    let supportMonthsYearOne: Int
    let supportMonthsPerYearAfter: Int
    let runningMonthly: Double

    init(plan: AgentPlanner.Plan, pricing: Pricing) {
        let b = pricing.build
        let extraAgents = max(0, plan.agents.count - 1)
        let extraIntegrations = max(0, plan.integrations.count - b.includedIntegrations)
        build =
            plan.agents.isEmpty
            ? 0 : b.base + Double(extraAgents) * b.perAgent + Double(extraIntegrations) * b.perIntegration
        supportMonthly = plan.tier.supportMonthly
        supportMonthsYearOne = plan.agents.isEmpty ? 0 : plan.tier.supportMonthsYearOne
        supportMonthsPerYearAfter = plan.agents.isEmpty ? 0 : plan.tier.supportMonthsPerYearAfter
        runningMonthly = plan.agents.reduce(0) { $0 + $1.runMonthly }
    }

    /// Support months that fall in year one: those bought, up to the months live before month 12.
    func supportMonthsInYearOne(goLiveMonth: Int) -> Int {
        min(supportMonthsYearOne, max(0, 12 - goLiveMonth))
    }

    /// Build, year-one support and year-one running costs.
    func firstYear(goLiveMonth: Int) -> Double {
        let live = Double(max(0, 12 - goLiveMonth))
        return build + Double(supportMonthsInYearOne(goLiveMonth: goLiveMonth)) * supportMonthly + live * runningMonthly
    }

    /// Support and running costs a year from year two.
    var ongoingPerYear: Double {
        12 * runningMonthly + Double(supportMonthsPerYearAfter) * supportMonthly
    }
}
