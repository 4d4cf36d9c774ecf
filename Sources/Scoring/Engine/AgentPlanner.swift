/// Chooses the agent templates that cover the best opportunities, within the largest tier the
/// budget allows, and the smallest tier that holds them.
struct AgentPlanner {
    let catalog: Catalog
    let pricing: Pricing

    struct Plan {
        let agents: [AgentTemplate]
        let tier: Tier
        let budgetTier: Tier
        let integrations: [String]
    }

    /// - Parameter ranked: workflow types in priority order, with their annual value.
    func plan(ranked: [(type: String, value: Double)], budget: String, forcedTier: String?) -> Plan {
        let tiers = pricing.tiers
        let allowedId = forcedTier ?? pricing.budgetTier[budget] ?? tiers.last!.id
        let budgetTier = tiers.first { $0.id == allowedId } ?? tiers.last!
        var chosen: [AgentTemplate] = []
        for (type, value) in ranked where value > 0 {
            guard let agent = catalog.agent(covering: type), !chosen.contains(agent) else { continue }
            let trial = chosen + [agent]
            guard trial.count <= budgetTier.maxAgents, integrations(of: trial).count <= budgetTier.maxIntegrations
            else { continue }
            chosen = trial
        }
        let needed = integrations(of: chosen)
        let tier =
            forcedTier != nil
            ? budgetTier
            : tiers.first { $0.maxAgents >= chosen.count && $0.maxIntegrations >= needed.count } ?? budgetTier
        return Plan(agents: chosen, tier: tier, budgetTier: budgetTier, integrations: needed)
    }

    private func integrations(of agents: [AgentTemplate]) -> [String] {
        Array(Set(agents.flatMap(\.integrations))).sorted()
    }
}
