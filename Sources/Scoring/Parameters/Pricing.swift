/// What Baton charges: `pricing.yaml` in a pack.
public struct Pricing: Codable, Sendable {
    public var version: Int
    public var currency: String
    public var source: String
    /// A build starts at `base` and grows with agents and integrations.
    public var build: BuildPricing
    /// Tiers from smallest to largest.
    public var tiers: [Tier]
    /// Which tier a budget answer allows at most.
    public var budgetTier: [String: String]
    /// The most a budget answer means to spend in year one (answers without a ceiling are absent).
    public var budgetCeiling: [String: Double]
    /// The disconnected tool stack an agent system is compared with.
    public var toolStack: ToolStack

    enum CodingKeys: String, CodingKey {
        case version, currency, source, build, tiers
        case budgetTier = "budget_tier", budgetCeiling = "budget_ceiling", toolStack = "tool_stack"
    }
}

public struct BuildPricing: Codable, Sendable {
    public var base: Double
    /// Per agent beyond the first.
    public var perAgent: Double
    /// Per integration beyond those included in the base.
    public var perIntegration: Double
    public var includedIntegrations: Int

    enum CodingKeys: String, CodingKey {
        case base
        case perAgent = "per_agent", perIntegration = "per_integration", includedIntegrations = "included_integrations"
    }
}

public struct Tier: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var maxAgents: Int
    public var maxIntegrations: Int
    public var supportMonthly: Double
    /// Months of support and optimisation bought in year one (after go-live).
    public var supportMonthsYearOne: Int
    /// Months of support per year from year two.
    public var supportMonthsPerYearAfter: Int

    enum CodingKeys: String, CodingKey {
        case id, name
        case maxAgents = "max_agents", maxIntegrations = "max_integrations", supportMonthly = "support_monthly"
        case supportMonthsYearOne = "support_months_year_one", supportMonthsPerYearAfter =
            "support_months_per_year_after"
    }
}

public struct ToolStack: Codable, Sendable {
    public var perToolMonthly: Double
    public var minMonthly: Double
    public var maxMonthly: Double
    public var source: String

    enum CodingKeys: String, CodingKey {
        case source
        case perToolMonthly = "per_tool_monthly", minMonthly = "min_monthly", maxMonthly = "max_monthly"
    }
}
