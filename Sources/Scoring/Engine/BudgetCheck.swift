/// Whether the recommended plan fits the first-year budget the business gave, and what to say
/// plainly when it does not. Pure.
///
/// A budget below Baton's smallest build (`build.base` in `pricing.yaml`: "under $5,000", or
/// nothing set aside) cannot pay for any plan. The planner then holds the plan to one agent, the
/// least Baton builds, so the business sees what a start would cost; this check says in a flag and
/// in the plan's `why` that even that is over the budget, and that the next step is to measure,
/// not to build.
struct BudgetCheck {
    let pricing: Pricing
    /// The `budget` answer.
    let budget: String
    let plan: AgentPlanner.Plan
    /// The plan's first-year investment (build, year-one support and running).
    let firstYear: Double
    /// The label of the best workflow in the plan, the one to measure first. A workflow in a plan
    /// is always a listed type (a named one has no agent), so its label reads lower-cased.
    let firstWorkflow: String?
    let style: MoneyStyle

    /// The most the budget answer means to spend in year one; `nil` for answers without a ceiling.
    var ceiling: Double? { pricing.budgetCeiling[budget] }

    /// Whether the plan costs more in year one than the budget allows, compared in whole units of
    /// money as the sentences show them.
    var isOver: Bool {
        guard let ceiling, !plan.agents.isEmpty else { return false }
        return firstYear.rounded() > ceiling.rounded()
    }

    /// The budget as the sentences name it.
    private var budgetWords: String {
        guard let ceiling else { return "the budget given" }
        if ceiling <= 0 { return "the budget given (nothing set aside yet)" }
        return plan.belowSmallestBuild
            ? "the budget given (under \(money(ceiling)))" : "the budget given (up to \(money(ceiling)))"
    }

    private var measureFirst: String {
        "measure \(firstWorkflow.map { Wording.inSentence($0) } ?? "the first workflow") for two weeks (hours spent, and how many a week) to confirm what it would return"
    }

    /// The flag for a plan over the budget; `nil` when it fits or the budget has no ceiling.
    var flag: String? {
        guard isOver, let ceiling else { return nil }  // ceiling: the budget's upper end
        let cost = money(firstYear)
        if plan.belowSmallestBuild {
            let smallest = "in its first year (Baton's smallest build is \(money(pricing.build.base)))"
            let start =
                ceiling <= 0
                ? "No budget is set aside yet, and even the smallest plan, one agent, costs \(cost) \(smallest)"
                : "Even the smallest plan, one agent, costs \(cost) \(smallest), more than \(budgetWords)"
            return
                "\(start): do not build yet; \(measureFirst), then agree a budget of about \(cost) for that one agent."
        }
        if plan.agents.count == 1 {
            return
                "The first-year investment (\(cost)) is above \(budgetWords), even with one agent: agree a budget of about \(cost), or phase it (the build first, support months later)."
        }
        return
            "The first-year investment (\(cost)) is above \(budgetWords): start with fewer agents, or phase the build."
    }

    /// What the plan's `why` adds for a budget below the smallest build; `nil` otherwise.
    var planNote: String? {
        guard isOver, plan.belowSmallestBuild else { return nil }
        return
            "Held to one agent because \(budgetWords) is below Baton's smallest build (\(money(pricing.build.base))); at \(money(firstYear)) in the first year it is over that budget, so it shows what a start would cost, not a recommendation to spend it now: \(measureFirst) first."
    }

    /// The plan with ``planNote`` added to its `why`.
    func annotate(_ agentPlan: AgentPlan) -> AgentPlan {
        var annotated = agentPlan
        annotated.overBudget = isOver
        if let planNote { annotated.why += " " + planNote }
        return annotated
    }

    private func money(_ amount: Double) -> String { MoneyFormat.money(amount, style) }
}
