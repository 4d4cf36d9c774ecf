/// The scoring model's weights, priors, caps and scenario factors: `scoring.yaml` in a pack.
/// Every prior carries the source it is anchored on.
public struct ScoringParameters: Codable, Sendable {
    public var version: Int
    /// Weeks a year in which the work happens (holidays and closures excluded).
    public var workingWeeks: Sourced<Double>
    /// Share of time technically automatable, per kind of activity (the priors' anchor).
    public var activities: ActivityPotential
    /// Per workflow type: its mix of activities and the cap on its potential.
    public var workflows: [String: WorkflowPrior]
    /// The prior of a workflow the prospect names, from the kind of work it mostly is; without it
    /// such a workflow is listed but worth nothing.
    public var customWorkflow: CustomWorkflowPrior?
    public var adjustments: Adjustments
    public var rework: Rework
    public var adoption: Adoption
    public var leadResponse: LeadResponse
    public var ease: EaseParameters
    public var readiness: ReadinessParameters
    public var roi: ROIParameters
    public var timeline: TimelineParameters
    /// Share of the business's workflow hours above which a plan is flagged as implausible.
    public var maxShareOfHours: Sourced<Double>

    enum CodingKeys: String, CodingKey {
        case version, activities, workflows, adjustments, rework, adoption, ease, readiness, roi, timeline
        case workingWeeks = "working_weeks", leadResponse = "lead_response", maxShareOfHours = "max_share_of_hours"
        case customWorkflow = "custom_workflow"
    }
}

/// A number with where it comes from.
public struct Sourced<Value: Codable & Sendable>: Codable, Sendable {
    public var value: Value
    public var source: String
}

public struct ActivityPotential: Codable, Sendable {
    public var source: String
    /// Activity name → share of its time that is technically automatable (0–1).
    public var automatable: [String: Double]
}

public struct WorkflowPrior: Codable, Sendable {
    public var label: String
    /// Activity name → share of the workflow's time spent on it (sums to 1).
    public var mix: [String: Double]
    /// The most of this workflow's hours any plan may claim.
    public var cap: Double
    public var source: String
}

public struct Adjustments: Codable, Sendable {
    /// Factors for "how much is it the same steps every time", scale points 1 to 5.
    public var repeatable: [Double]
    /// Factors for "rules rather than judgement", scale points 1 to 5.
    public var ruleBased: [Double]
    /// Factors by what the work starts from: paper, unstructured, structured.
    public var inputFormat: [String: Double]
    /// Factors by the number of tools one run touches: index 0 is one tool; the last applies beyond.
    public var toolsTouched: [Double]
    public var source: String

    enum CodingKeys: String, CodingKey {
        case repeatable, source
        case ruleBased = "rule_based", inputFormat = "input_format", toolsTouched = "tools_touched"
    }
}

public struct Rework: Codable, Sendable {
    /// Share of a workflow's time spent fixing or redoing, by the band the business chose.
    public var errorShare: [String: Double]
    /// How much of that rework automation removes, on the automated part.
    public var reduction: Double
    public var source: String

    enum CodingKeys: String, CodingKey {
        case reduction, source
        case errorShare = "error_share"
    }
}

public struct Adoption: Codable, Sendable {
    /// Share of the steady-state saving realised in each month after go-live; the last value holds after.
    public var ramp: [Double]
    public var source: String
}

public struct LeadResponse: Codable, Sendable {
    /// The workflow types whose automation brings first responses down to the target.
    public var appliesTo: [String]
    /// First-response time after automation, in minutes.
    public var targetMinutes: Double
    /// Relative uplift in close rate for moving from a band to the target, banded by today's time.
    public var bands: [ResponseBand]
    /// The close rate no uplift may push past.
    public var maxCloseRate: Double
    /// Share of added revenue that is benefit (gross margin).
    public var grossMargin: Sourced<Double>
    /// The most the effect may add, against the business's own scale.
    public var scaleCap: ScaleCap
    /// Share of a plan's gross benefit above which the revenue effect is flagged as dominating it.
    public var dominantShare: Sourced<Double>
    public var source: String

    enum CodingKeys: String, CodingKey {
        case bands, source
        case appliesTo = "applies_to", targetMinutes = "target_minutes", maxCloseRate = "max_close_rate", grossMargin =
            "gross_margin"
        case scaleCap = "scale_cap", dominantShare = "dominant_share"
    }
}

/// The bound on the revenue effect: the sales a business of its size plausibly makes
/// (`revenue_per_person` × team size), of which the added margin may be at most `max_share`.
public struct ScaleCap: Codable, Sendable {
    /// Yearly sales per person in the business, generous for a small business.
    public var revenuePerPerson: Double
    /// The most of those sales the added margin may amount to (0–1).
    public var maxShare: Double
    public var source: String

    enum CodingKeys: String, CodingKey {
        case source
        case revenuePerPerson = "revenue_per_person", maxShare = "max_share"
    }
}

public struct ResponseBand: Codable, Sendable {
    /// Upper bound of today's first-response time for this band, in minutes; absent for the last band.
    public var upToMinutes: Double?
    public var uplift: Double

    enum CodingKeys: String, CodingKey {
        case uplift
        case upToMinutes = "up_to_minutes"
    }
}

public struct EaseParameters: Codable, Sendable {
    /// Weights of the four ease factors (they sum to 1).
    public var weights: EaseWeights
    /// Score when the main tools are online services with APIs (`online`), `offline`, or `unknown`.
    public var apis: [String: Double]
    /// Score by tools one run touches (integrations needed): index 0 is one tool; the last applies beyond.
    public var integrations: [Double]
    /// Score by how much of the process is written down.
    public var documentation: [String: Double]
    public var source: String
}

public struct EaseWeights: Codable, Sendable {
    public var apis: Double
    public var integrations: Double
    public var dataQuality: Double
    public var documentation: Double

    enum CodingKeys: String, CodingKey {
        case apis, integrations, documentation
        case dataQuality = "data_quality"
    }
}

public struct ReadinessParameters: Codable, Sendable {
    /// Weekly hours the most painful workflow must cost to count as a worthwhile first target.
    public var painHours: Double
    /// Points per check (they sum to 100).
    public var weights: [String: Double]
    /// Minimum score for "ready" and for "almost".
    public var ready: Double
    public var almost: Double
    public var source: String

    enum CodingKeys: String, CodingKey {
        case weights, ready, almost, source
        case painHours = "pain_hours"
    }
}

public struct ROIParameters: Codable, Sendable {
    public var discountRate: Double
    /// Months the cash flow and the NPV run over.
    public var horizonMonths: Int
    /// Share of the modelled benefit realised, per scenario.
    public var scenarios: [String: Double]
    public var monteCarlo: MonteCarloParameters
    public var source: String

    enum CodingKeys: String, CodingKey {
        case scenarios, source
        case discountRate = "discount_rate", horizonMonths = "horizon_months", monteCarlo = "monte_carlo"
    }
}

public struct MonteCarloParameters: Codable, Sendable {
    public var samples: Int
    public var seed: UInt64
    /// Relative half-widths of the uniform ranges the uncertain inputs are drawn from.
    public var hoursSpread: Double
    public var potentialSpread: Double
    public var costSpread: Double
    /// Range of the share of benefit realised.
    public var realisation: [Double]
    /// Range of the factor on the revenue uplift.
    public var upliftFactor: [Double]

    enum CodingKeys: String, CodingKey {
        case samples, seed, realisation
        case hoursSpread = "hours_spread", potentialSpread = "potential_spread", costSpread = "cost_spread"
        case upliftFactor = "uplift_factor"
    }
}

/// Fixed phases of an implementation around the per-agent builds, in weeks.
public struct TimelineParameters: Codable, Sendable {
    public var assessmentWeeks: Double
    public var pilotWeeks: Double
    public var optimisationWeeks: Double
    public var source: String

    enum CodingKeys: String, CodingKey {
        case source
        case assessmentWeeks = "assessment_weeks", pilotWeeks = "pilot_weeks", optimisationWeeks = "optimisation_weeks"
    }
}
