/// Chooses the agent templates that cover the opportunities worth most, within the largest tier
/// the budget allows, and the smallest tier that holds them. A budget below the smallest build
/// (`build.base`) gets one agent at most: the least Baton can build, said plainly by ``BudgetCheck``.
struct AgentPlanner {
    let catalog: Catalog
    let pricing: Pricing

    struct Plan {
        let agents: [AgentTemplate]
        let tier: Tier
        let budgetTier: Tier
        let integrations: [String]
        /// Whether the budget is below the smallest build, so the plan was held to one agent.
        var belowSmallestBuild = false
    }

    /// - Parameter ranked: workflow types in priority order, with their annual value.
    func plan(ranked: [(type: String, value: Double)], budget: String, forcedTier: String?) -> Plan {
        let tiers = pricing.tiers
        let allowedId = forcedTier ?? pricing.budgetTier[budget] ?? tiers.last!.id
        let budgetTier = tiers.first { $0.id == allowedId } ?? tiers.last!
        // A forced tier is the consultant's choice and stands as given.
        let belowSmallestBuild =
            forcedTier == nil && (pricing.budgetCeiling[budget].map { $0 < pricing.build.base } ?? false)
        let maxAgents = belowSmallestBuild ? min(1, budgetTier.maxAgents) : budgetTier.maxAgents
        // The agents that cover workflows worth something, in priority order, with what they are worth.
        var candidates: [AgentTemplate] = []
        var worth: [Double] = []
        for (type, value) in ranked where value > 0 {
            guard let agent = catalog.agent(covering: type) else { continue }
            if let i = candidates.firstIndex(of: agent) {
                worth[i] += value
            } else {
                candidates.append(agent)
                worth.append(value)
            }
        }
        // The set worth most that fits the tier. A maximum over every set, so a workflow worth more
        // can never make the plan worth less (a greedy pick could swap a better agent out).
        let n = min(candidates.count, 16)
        var best: [Int] = []
        var bestValue = 0.0
        for mask in 0..<(1 << n) {
            let members = (0..<n).filter { mask & (1 << $0) != 0 }
            guard members.count <= maxAgents,
                integrations(of: members.map { candidates[$0] }).count <= budgetTier.maxIntegrations
            else { continue }
            let value = members.reduce(0) { $0 + worth[$1] }
            let better = value > bestValue + 1e-9
            let tieButSmaller =
                abs(value - bestValue) <= 1e-9
                && (members.count < best.count
                    || (members.count == best.count && members.lexicographicallyPrecedes(best)))
            if better || tieButSmaller {
                best = members
                bestValue = value
            }
        }
        let chosen = best.map { candidates[$0] }
        let needed = integrations(of: chosen)
        let tier =
            forcedTier != nil
            ? budgetTier
            : tiers.first { $0.maxAgents >= chosen.count && $0.maxIntegrations >= needed.count } ?? budgetTier
        return Plan(
            agents: chosen, tier: tier, budgetTier: budgetTier, integrations: needed,
            belowSmallestBuild: belowSmallestBuild)
    }

    private func integrations(of agents: [AgentTemplate]) -> [String] {
        Array(Set(agents.flatMap(\.integrations))).sorted()
    }
}
