import Foundation

/// Everything the scoring model concludes about one assessment. Encoded as JSON with sorted keys,
/// the same answers and parameters always give the same bytes.
public struct AssessmentResult: Codable, Sendable, Equatable {
    /// Bumped whenever a field changes meaning or disappears.
    public static let currentSchemaVersion = 2

    public var schemaVersion: Int
    /// The parameter files' versions, e.g. `scoring 1, catalog 1, pricing 1`.
    public var parametersVersion: String
    public var business: BusinessSummary
    /// Overrides applied for this run (`--set`), by key.
    public var overrides: [String: String]
    /// The scenario the headline figures use: low, expected or high.
    public var scenario: String
    /// Every workflow the business runs, best opportunity first.
    public var opportunities: [Opportunity]
    public var plan: AgentPlan
    public var cost: CostSummary
    public var roi: ROISummary
    public var readiness: Readiness
    public var timeline: Timeline
    /// Warnings a consultant must see: implausible claims, missing data.
    public var flags: [String]
    /// What the prospect wrote in the questionnaire's free-text notes, as given (absent when blank).
    public var clientNotes: String?

    enum CodingKeys: String, CodingKey {
        case business, overrides, scenario, opportunities, plan, cost, roi, readiness, timeline, flags
        case clientNotes = "client_notes"
        case schemaVersion = "schema_version", parametersVersion = "parameters_version"
    }
}

public struct BusinessSummary: Codable, Sendable, Equatable {
    public var name: String
    public var industry: String
    public var region: String
    public var timeZone: String
    public var currency: String
    public var teamSize: Int
    /// Total weekly hours of the workflows described.
    public var workflowHoursPerWeek: Decimal
    /// Who would own the system day to day: owner, staff or nobody.
    public var systemOwner: String

    enum CodingKeys: String, CodingKey {
        case name, industry, region, currency
        case systemOwner = "system_owner"
        case timeZone = "time_zone", teamSize = "team_size", workflowHoursPerWeek = "workflow_hours_per_week"
    }
}

/// One workflow as an automation opportunity.
public struct Opportunity: Codable, Sendable, Equatable {
    public var rank: Int
    public var workflow: String
    public var label: String
    public var hoursPerWeek: Decimal
    /// Share of the workflow's hours that automation can take over (0–1).
    public var potential: Figure
    public var hoursSavedPerWeek: Figure
    public var reworkHoursSavedPerWeek: Figure
    /// Time and rework saved a year, at the loaded hourly cost.
    public var timeValuePerYear: Figure
    /// Gross margin on revenue won by answering leads faster, when it applies.
    public var revenueEffectPerYear: Figure?
    /// Steady-state benefit a year: time, rework and revenue effect.
    public var annualValue: Figure
    /// How easy it is to automate (0–1).
    public var ease: Figure
    /// Value per dollar of build, weighed by ease: the ranking key.
    public var priority: Decimal
    /// The agent template that automates it, if the catalog has one.
    public var agent: String?
    /// Whether the recommended agent system includes it.
    public var inPlan: Bool
    /// Why it ranks where it does.
    public var why: String

    enum CodingKeys: String, CodingKey {
        case rank, workflow, label, potential, ease, priority, agent, why
        case hoursPerWeek = "hours_per_week", hoursSavedPerWeek = "hours_saved_per_week"
        case reworkHoursSavedPerWeek = "rework_hours_saved_per_week", timeValuePerYear = "time_value_per_year"
        case revenueEffectPerYear = "revenue_effect_per_year", annualValue = "annual_value", inPlan = "in_plan"
    }
}

/// The recommended agent system and its tier.
public struct AgentPlan: Codable, Sendable, Equatable {
    public var agents: [PlannedAgent]
    public var tier: String
    public var tierName: String
    /// The largest tier the budget answer allows.
    public var budgetTier: String
    public var integrations: [String]
    public var hoursSavedPerWeek: Figure
    public var why: String
    /// Whether the plan's first-year investment is above the budget the business gave: then the
    /// report's next step is agreeing a budget (or measuring first), not going ahead.
    public var overBudget: Bool

    enum CodingKeys: String, CodingKey {
        case agents, tier, integrations, why
        case overBudget = "over_budget"
        case tierName = "tier_name", budgetTier = "budget_tier", hoursSavedPerWeek = "hours_saved_per_week"
    }
}

public struct PlannedAgent: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var role: String
    public var workflows: [String]
    public var integrations: [String]
    public var permissions: [String]
    /// Actions that wait for a person: the template's and the business's own choices that apply.
    public var approvals: [String]
    public var buildWeeks: Decimal

    enum CodingKeys: String, CodingKey {
        case id, name, role, workflows, integrations, permissions, approvals
        case buildWeeks = "build_weeks"
    }
}

public struct CostSummary: Codable, Sendable, Equatable {
    public var currency: String
    public var build: Figure
    public var supportYearOne: Figure
    public var runningYearOne: Figure
    public var firstYearInvestment: Figure
    public var runningPerMonth: Figure
    /// Support and running costs a year from year two.
    public var ongoingPerYear: Figure
    /// What the disconnected tools it coordinates cost today, for comparison.
    public var toolStackPerMonth: Figure

    enum CodingKeys: String, CodingKey {
        case currency, build
        case supportYearOne = "support_year_one", runningYearOne = "running_year_one"
        case firstYearInvestment = "first_year_investment", runningPerMonth = "running_per_month"
        case ongoingPerYear = "ongoing_per_year", toolStackPerMonth = "tool_stack_per_month"
    }
}

public struct ROISummary: Codable, Sendable, Equatable {
    /// Steady-state benefit a year if everything modelled is realised: time value plus revenue upside.
    public var annualGrossBenefit: Figure
    /// The part of the gross benefit that is time and rework saved, at the loaded hourly cost.
    public var annualTimeValue: Figure
    /// The part of the gross benefit that is margin on extra sales assumed from faster replies.
    public var annualRevenueUpside: Figure
    /// Share of the gross benefit that comes from assumed extra sales (0–1).
    public var revenueShare: Decimal
    /// The headline scenario counting time saved alone, without the assumed extra sales.
    public var timeOnly: TimeOnlyOutcome
    /// The scenario's benefit less ongoing costs, a year, from year two.
    public var annualNetBenefit: Figure
    /// Months until cumulative cash flow turns positive; absent when not within the horizon.
    public var paybackMonths: Figure?
    public var firstYearROI: Figure
    public var npv3Years: Figure
    public var scenarios: [ScenarioOutcome]
    /// Cumulative net cash flow of the headline scenario at the end of months 0 (the build) to the horizon.
    public var cumulativeCashFlow: [Decimal]
    public var monteCarlo: MonteCarloSummary

    enum CodingKeys: String, CodingKey {
        case scenarios
        case annualGrossBenefit = "annual_gross_benefit", annualNetBenefit = "annual_net_benefit"
        case annualTimeValue = "annual_time_value", annualRevenueUpside = "annual_revenue_upside"
        case revenueShare = "revenue_share", timeOnly = "time_only"
        case paybackMonths = "payback_months", firstYearROI = "first_year_roi", npv3Years = "npv_3_years"
        case monteCarlo = "monte_carlo", cumulativeCashFlow = "cumulative_cash_flow"
    }
}

/// Net benefit and payback counting time saved alone: the figures that do not rest on assumed sales.
public struct TimeOnlyOutcome: Codable, Sendable, Equatable {
    public var annualNetBenefit: Decimal
    /// Absent when time saved alone does not pay back within the horizon.
    public var paybackMonths: Decimal?
    public var firstYearROI: Decimal
    public var npv3Years: Decimal

    enum CodingKeys: String, CodingKey {
        case annualNetBenefit = "annual_net_benefit", paybackMonths = "payback_months"
        case firstYearROI = "first_year_roi", npv3Years = "npv_3_years"
    }
}

public struct ScenarioOutcome: Codable, Sendable, Equatable {
    public var name: String
    public var realisation: Decimal
    public var annualNetBenefit: Decimal
    public var paybackMonths: Decimal?
    public var firstYearROI: Decimal
    public var npv3Years: Decimal
    /// The same scenario counting time saved alone.
    public var timeOnly: TimeOnlyOutcome

    enum CodingKeys: String, CodingKey {
        case name, realisation
        case timeOnly = "time_only"
        case annualNetBenefit = "annual_net_benefit", paybackMonths = "payback_months"
        case firstYearROI = "first_year_roi", npv3Years = "npv_3_years"
    }
}

public struct MonteCarloSummary: Codable, Sendable, Equatable {
    public var samples: Int
    public var seed: UInt64
    public var netBenefitP10: Decimal
    public var netBenefitP50: Decimal
    public var netBenefitP90: Decimal
    /// Absent when that share of draws does not pay back within the horizon.
    public var paybackMonthsP10: Decimal?
    public var paybackMonthsP50: Decimal?
    public var paybackMonthsP90: Decimal?
    /// The same draws counting time saved alone.
    public var timeOnlyNetBenefitP10: Decimal
    public var timeOnlyNetBenefitP50: Decimal
    public var timeOnlyNetBenefitP90: Decimal
    public var timeOnlyPaybackMonthsP50: Decimal?
    public var why: String

    enum CodingKeys: String, CodingKey {
        case samples, seed, why
        case timeOnlyNetBenefitP10 = "time_only_net_benefit_p10", timeOnlyNetBenefitP50 = "time_only_net_benefit_p50"
        case timeOnlyNetBenefitP90 = "time_only_net_benefit_p90"
        case timeOnlyPaybackMonthsP50 = "time_only_payback_months_p50"
        case netBenefitP10 = "net_benefit_p10", netBenefitP50 = "net_benefit_p50", netBenefitP90 = "net_benefit_p90"
        case paybackMonthsP10 = "payback_months_p10", paybackMonthsP50 = "payback_months_p50"
        case paybackMonthsP90 = "payback_months_p90"
    }
}

public struct Readiness: Codable, Sendable, Equatable {
    public var score: Decimal
    /// ready, almost or not_yet.
    public var level: String
    public var checks: [ReadinessCheck]
    /// What to do first, when a check fails.
    public var firstStep: String?

    enum CodingKeys: String, CodingKey {
        case score, level, checks
        case firstStep = "first_step"
    }
}

public struct ReadinessCheck: Codable, Sendable, Equatable {
    public var id: String
    public var passed: Bool
    public var points: Decimal
    public var detail: String
    /// What to do about it, when it failed.
    public var action: String?
}

public struct Timeline: Codable, Sendable, Equatable {
    public var phases: [Phase]
    public var goLiveWeek: Decimal
    public var totalWeeks: Decimal

    enum CodingKeys: String, CodingKey {
        case phases
        case goLiveWeek = "go_live_week", totalWeeks = "total_weeks"
    }
}

public struct Phase: Codable, Sendable, Equatable {
    public var name: String
    public var startWeek: Decimal
    public var weeks: Decimal

    enum CodingKeys: String, CodingKey {
        case name, weeks
        case startWeek = "start_week"
    }
}
