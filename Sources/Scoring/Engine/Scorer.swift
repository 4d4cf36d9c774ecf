import Foundation

/// The scoring model: turns a completed assessment into an ``AssessmentResult``. Pure: the same
/// profile, parameters and overrides always give the same result.
///
/// ```swift
/// let result = try Scorer(model: try ScoringModel.load(packFolder: path)).score(profile)
/// ```
public struct Scorer: Sendable {
    public let model: ScoringModel

    public init(model: ScoringModel) {
        self.model = model
    }

    public func score(_ input: BusinessProfile, overrides: ScoringOverrides = ScoringOverrides()) throws(ScoringError)
        -> AssessmentResult
    {
        var profile = input
        var p = model.parameters
        overrides.apply(to: &profile, &p)
        if let tier = overrides.values["tier"], !model.pricing.tiers.contains(where: { $0.id == tier }) {
            throw ScoringError(
                "unknown tier '\(tier)'; tiers: \(model.pricing.tiers.map(\.id).joined(separator: ", "))")
        }
        let currency = profile.currency
        let style = MoneyStyle(currency: currency, region: profile.region)
        let weeks = p.workingWeeks.value
        let reduction = p.rework.reduction
        let revenueModel = RevenueEffect(parameters: p.leadResponse, workingWeeks: weeks, teamSize: profile.teamSize)
        // Speed only pays when the first reply goes out without waiting for a person.
        let firstReplyWaits = profile.approvalActions.contains("first_contact")
        let revenueWorkflow =
            profile.leads == nil || firstReplyWaits
            ? nil : p.leadResponse.appliesTo.first { t in profile.workflows.contains { $0.type == t } }
        let estimator = WorkflowEstimator(parameters: p, profile: profile)
        let estimates = profile.workflows.map { w in
            estimator.estimate(
                w,
                revenueEffect: w.type == revenueWorkflow
                    ? revenueModel.benefit(profile.leads!, upliftFactor: overrides.leadReplyShare) : 0)
        }

        // Rank by value per dollar of build and first-year running, weighed by ease.
        let values = estimates.map { $0.timeValue(weeks: weeks, reduction: reduction) + $0.revenueEffect }
        let buildCosts = estimates.map { e -> Double in
            guard let agent = model.catalog.agent(covering: e.answers.type) else { return .infinity }
            let b = model.pricing.build
            return b.perAgent + Double(agent.integrations.count) * b.perIntegration + 12 * agent.runMonthly
        }
        let priorities = estimates.indices.map { i in
            buildCosts[i].isFinite ? values[i] * estimates[i].ease / buildCosts[i] : 0
        }
        let order = estimates.indices.sorted { a, b in
            priorities[a] != priorities[b]
                ? priorities[a] > priorities[b] : estimates[a].answers.type < estimates[b].answers.type
        }
        let plan = AgentPlanner(catalog: model.catalog, pricing: model.pricing).plan(
            ranked: order.map { (estimates[$0].answers.type, values[$0]) }, budget: profile.budget,
            forcedTier: overrides.values["tier"])
        let inPlan = Set(plan.agents.flatMap(\.covers))
        let planIndices = order.filter { inPlan.contains(estimates[$0].answers.type) && values[$0] > 0 }

        let costModel = CostModel(plan: plan, pricing: model.pricing)
        let timeline =
            plan.agents.isEmpty
            ? Timeline(phases: [], goLiveWeek: 0, totalWeeks: 0)
            : TimelinePlanner(parameters: p.timeline).plan(agents: plan.agents)
        let goLiveWeeks = NSDecimalNumber(decimal: timeline.goLiveWeek).doubleValue
        let goLiveMonth = Int((goLiveWeeks / (52.0 / 12)).rounded(.up))
        func cashFlow(_ benefit: Double) -> CashFlow {
            CashFlow(
                annualBenefit: benefit, cost: costModel, goLiveMonth: goLiveMonth, ramp: p.adoption.ramp,
                horizonMonths: p.roi.horizonMonths, discountRate: p.roi.discountRate)
        }
        let gross = planIndices.reduce(0) { $0 + values[$1] }
        let grossTime = planIndices.reduce(0) { $0 + estimates[$1].timeValue(weeks: weeks, reduction: reduction) }
        let scenario = overrides.scenario
        let realisation = p.roi.scenarios[scenario] ?? 0.75
        let headline = cashFlow(gross * realisation)

        let opportunities = order.enumerated().map { rank, i in
            opportunity(
                rank: rank + 1, estimates[i], estimator: estimator, value: values[i], priority: priorities[i],
                buildCost: buildCosts[i],
                inPlan: planIndices.contains(i), parameters: p, currency: currency, style: style,
                revenueModel: revenueModel,
                leads: profile.leads)
        }

        let planEstimates = planIndices.map { estimates[$0] }
        let revenueInPlan = revenueWorkflow.map(inPlan.contains) ?? false
        let monteCarlo = MonteCarlo(parameters: p.roi.monteCarlo, workingWeeks: weeks, reworkReduction: reduction).run(
            estimates: planEstimates,
            revenue: { uplift in
                revenueInPlan ? revenueModel.benefit(profile.leads!, upliftFactor: uplift * overrides.leadReplyShare) : 0
            },
            cashFlow: cashFlow)

        let totalHours = profile.workflows.reduce(0) { $0 + $1.hoursPerWeek }
        let planHours = planEstimates.reduce(0) { $0 + $1.hoursSaved() + $1.reworkHoursSaved(reduction: reduction) }
        var flags: [String] = []
        if profile.workflows.isEmpty {
            flags.append("No weekly workflows were chosen, so there is nothing to automate yet.")
        }
        if !profile.workflows.isEmpty && totalHours == 0 {
            flags.append("The workflows chosen take 0 hours a week, so no time can be saved.")
        }
        // Compared as the sentence rounds it, so that "70%" is never "more than 70%".
        if totalHours > 0 && MoneyFormat.percentShown(planHours / totalHours) > p.maxShareOfHours.value {
            flags.append(
                "The plan claims \(MoneyFormat.percent(planHours / totalHours)) of the business's workflow hours, more than the \(MoneyFormat.percent(p.maxShareOfHours.value)) that is plausible: check the hours given."
            )
        }
        if firstReplyWaits && profile.leads != nil
            && profile.workflows.contains(where: { p.leadResponse.appliesTo.contains($0.type) })
        {
            flags.append(
                "First replies to leads wait for a person's approval, so no revenue effect of faster replies is counted."
            )
        }
        // The revenue effect bounded by the business's scale, and a plan that rests on it.
        if revenueWorkflow != nil, let leads = profile.leads, case let capped = revenueModel.outcome(leads),
            capped.isCapped
        {
            flags.append(
                "The lead answers (\(MoneyFormat.number(Int64(min(leads.perWeek, 1e15).rounded()), style)) leads a week at \(MoneyFormat.money(leads.dealValue, style)) a deal) would add \(MoneyFormat.money(capped.uncapped, style)) a year in margin, more than a business of \(max(1, profile.teamSize)) \(profile.teamSize > 1 ? "people" : "person") can plausibly earn from faster replies: the revenue effect is held at \(MoneyFormat.money(capped.cap, style)), \(MoneyFormat.percent(p.leadResponse.scaleCap.maxShare)) of the about \(MoneyFormat.money(capped.impliedRevenue, style)) a year such a business sells. Check leads per week, close rate and deal value."
            )
        }
        let planRevenue = planIndices.reduce(0) { $0 + estimates[$1].revenueEffect }
        // Compared as the sentence rounds it, like the share of hours above.
        if gross > 0, planRevenue > 0,
            MoneyFormat.percentShown(planRevenue / gross) > p.leadResponse.dominantShare.value
        {
            flags.append(
                "\(MoneyFormat.percent(planRevenue / gross)) of the plan's yearly benefit (\(MoneyFormat.money(planRevenue, style)) of \(MoneyFormat.money(gross, style))) is margin on extra sales assumed from faster replies, more than the \(MoneyFormat.percent(p.leadResponse.dominantShare.value)) above which the figure rests on an assumption: the time saved is worth \(MoneyFormat.money(gross - planRevenue, style)) a year; measure the close rate before counting on the rest."
            )
        }
        let firstYear = costModel.firstYear(goLiveMonth: goLiveMonth)
        let budgetCheck = BudgetCheck(
            pricing: model.pricing, budget: profile.budget, plan: plan, firstYear: firstYear,
            firstWorkflow: planIndices.first.map { estimates[$0].label }, style: style)
        if let flag = budgetCheck.flag { flags.append(flag) }
        let emptyReason =
            plan.agents.isEmpty
            ? Self.nothingYetReason(profile: profile, totalHours: totalHours, values: values, estimates: estimates)
                ?? "no agent fits within the \(plan.budgetTier.name) tier the budget allows"
            : nil
        if !profile.workflows.isEmpty && plan.agents.isEmpty && totalHours > 0 {
            flags.append("Nothing is recommended yet: \(emptyReason ?? "").")
        }

        // A named ("something else") workflow is labelled with the name given.
        let labels = Dictionary(uniqueKeysWithValues: p.workflows.map { ($0.key, $0.value.label) })
            .merging(estimates.map { ($0.answers.type, $0.label) }) { _, named in named }
        return AssessmentResult(
            schemaVersion: AssessmentResult.currentSchemaVersion,
            parametersVersion: model.version,
            business: BusinessSummary(
                name: profile.name, industry: profile.industry, region: profile.region, timeZone: profile.timeZone,
                currency: currency, teamSize: profile.teamSize,
                workflowHoursPerWeek: Figure.decimal(totalHours, places: 1), systemOwner: profile.systemOwner),
            overrides: overrides.values,
            scenario: scenario,
            opportunities: opportunities,
            plan: budgetCheck.annotate(
                agentPlan(
                    plan, planHours: planHours, approvalsChosen: profile.approvalActions, emptyReason: emptyReason)),
            cost: costSummary(
                costModel, plan: plan, goLiveMonth: goLiveMonth, currency: currency, style: style,
                toolCount: profile.toolsUsed.count),
            roi: roiSummary(
                parameters: p, gross: gross, realisation: realisation, scenario: scenario, headline: headline,
                grossTime: grossTime, cashFlow: cashFlow,
                cost: costModel,
                monteCarlo: monteCarlo, currency: currency, style: style, goLiveWeeks: goLiveWeeks),
            readiness: ReadinessScorer(parameters: p.readiness, profile: profile, labels: labels).score(),
            timeline: timeline,
            flags: flags,
            clientNotes: profile.notes)
    }

    /// Why no agent is worth building, when the answers themselves say so; `nil` when agents were
    /// worth it but none fits the budget's tier.
    private static func nothingYetReason(
        profile: BusinessProfile, totalHours: Double, values: [Double], estimates: [WorkflowEstimate]
    ) -> String? {
        if profile.workflows.isEmpty { return "no weekly workflow was described" }
        if totalHours <= 0 { return "the workflows described take no hours a week" }
        if !values.contains(where: { $0 > 0 }) {
            return "at the figures given, none of the workflows would save time or money"
        }
        return nil
    }

    // MARK: Presentation of the figures

    private func opportunity(
        rank: Int, _ e: WorkflowEstimate, estimator: WorkflowEstimator, value: Double, priority: Double,
        buildCost: Double,
        inPlan: Bool, parameters p: ScoringParameters, currency: String, style: MoneyStyle, revenueModel: RevenueEffect,
        leads: LeadFigures?
    ) -> Opportunity {
        let w = e.answers
        let weeks = p.workingWeeks.value
        let potential = e.potential()
        // Words use the figure as the result rounds it, so that "64%" reads the same everywhere.
        let potentialShown = NSDecimalNumber(decimal: Figure.decimal(potential, places: 3)).doubleValue
        let capped = e.prior * e.adjustment > e.cap
        let factors = estimator.adjustmentFactors(w)
        let factorText = factors.map { "\($0.name) \($0.answer) ×\(Figure.decimal($0.factor, places: 2))" }.joined(
            separator: ", ")
        let potentialFigure = Figure(
            potential, unit: "share", places: 3,
            why:
                "\(e.label) is about \(MoneyFormat.percent(e.prior)) automatable by its mix of activities; how it runs here (\(factorText)) makes it \(MoneyFormat.percent(potentialShown))\(capped ? ", held at the \(MoneyFormat.percent(e.cap)) cap" : "").",
            drivers: [
                Driver("prior", "\(Figure.decimal(e.prior, places: 3))", source: p.prior(for: w)?.source),
                Driver("activity figures", "", source: p.activities.source),
            ]
                + factors.map {
                    Driver(
                        $0.name, "\($0.answer) → ×\(Figure.decimal($0.factor, places: 2))", source: p.adjustments.source
                    )
                }
                + [Driver("cap", "\(Figure.decimal(e.cap, places: 2))", source: p.prior(for: w)?.source)])
        let hoursSaved = e.hoursSaved()
        let rework = e.reworkHoursSaved(reduction: p.rework.reduction)
        let timeValue = e.timeValue(weeks: weeks, reduction: p.rework.reduction)
        var revenueFigure: Figure?
        if e.revenueEffect > 0, let leads {
            let band = revenueModel.band(forMinutes: leads.responseMinutes)
            let bounded = revenueModel.outcome(leads)
            let capText =
                bounded.isCapped
                ? " That would be \(MoneyFormat.money(bounded.uncapped, style)) of margin, more than a business of \(max(1, revenueModel.teamSize)) \(revenueModel.teamSize > 1 ? "people" : "person") can plausibly earn: held at \(MoneyFormat.percent(p.leadResponse.scaleCap.maxShare)) of the about \(MoneyFormat.money(bounded.impliedRevenue, style)) a year it sells."
                : ""
            revenueFigure = Figure(
                e.revenueEffect, unit: currency, places: 0,
                why:
                    "Answering in \(MoneyFormat.duration(minutes: p.leadResponse.targetMinutes)) instead of \(MoneyFormat.duration(minutes: leads.responseMinutes)) lifts the close rate by \(MoneyFormat.percent(band.uplift)) (relative) to \(Figure.decimal(revenueModel.newCloseRate(leads) * 100, places: 1))%: \(MoneyFormat.money(revenueModel.addedRevenue(leads), style)) more sales a year at a \(MoneyFormat.percent(p.leadResponse.grossMargin.value)) margin.\(capText)",
                drivers: [
                    Driver("leads per week", "\(Figure.decimal(leads.perWeek, places: 0))"),
                    Driver("first response today", MoneyFormat.duration(minutes: leads.responseMinutes)),
                    Driver("close rate", "\(Figure.decimal(leads.closeRate * 100, places: 1))%"),
                    Driver("average deal", MoneyFormat.money(leads.dealValue, style)),
                    Driver("uplift band", "\(MoneyFormat.percent(band.uplift))", source: p.leadResponse.source),
                    Driver(
                        "gross margin", MoneyFormat.percent(p.leadResponse.grossMargin.value),
                        source: p.leadResponse.grossMargin.source),
                    Driver(
                        "scale cap",
                        "\(MoneyFormat.percent(p.leadResponse.scaleCap.maxShare)) of \(MoneyFormat.money(p.leadResponse.scaleCap.revenuePerPerson, style)) a person",
                        source: p.leadResponse.scaleCap.source),
                ])
        }
        let easeFactors = estimator.easeFactors(w)
        let agent = model.catalog.agent(covering: w.type)
        // Time first; assumed sales apart, never folded into one figure a client divides by hours.
        let worth =
            "\(MoneyFormat.money(timeValue, style)) a year of time"
            + (revenueFigure == nil
                ? "" : " (plus \(MoneyFormat.money(e.revenueEffect, style)) assumed margin on extra sales)")
        // The ease as the result rounds it, so that the words and the tables say the same percent.
        let easeShown = NSDecimalNumber(decimal: Figure.decimal(e.ease, places: 2)).doubleValue
        let why: String
        if let agent {
            why =
                "\(worth) for the \(Wording.inSentence(agent.name)) (about \(MoneyFormat.money(buildCost, style)) to add and run for a year), ease \(MoneyFormat.percent(easeShown))."
        } else if w.isCustom {
            // The name is the prospect's own: shown as given, never lower-cased.
            why =
                "\(worth) if automated, but no agent in the catalog does “\(e.label)”: it needs a custom build, quoted separately, so it is not in this plan."
        } else {
            why = "No agent in the catalog automates \(Wording.inSentence(e.label)) yet."
        }
        return Opportunity(
            rank: rank, workflow: w.type, label: e.label, hoursPerWeek: Figure.decimal(w.hoursPerWeek, places: 1),
            potential: potentialFigure,
            hoursSavedPerWeek: Figure(
                hoursSaved, unit: "hours/week", places: 1,
                why: "\(MoneyFormat.percent(potentialShown)) of \(MoneyFormat.hours(w.hoursPerWeek)) a week."),
            reworkHoursSavedPerWeek: Figure(
                rework, unit: "hours/week", places: 1,
                why:
                    "About \(MoneyFormat.percent(e.reworkShare)) of the time is rework (\(w.errorRate)); automation removes \(MoneyFormat.percent(p.rework.reduction)) of it on the automated share.",
                drivers: [
                    Driver("error rate", w.errorRate),
                    Driver("rework reduction", MoneyFormat.percent(p.rework.reduction), source: p.rework.source),
                ]),
            timeValuePerYear: Figure(
                timeValue, unit: currency, places: 0,
                why:
                    "\(MoneyFormat.hours(hoursSaved + rework)) a week × \(Int(weeks)) weeks × \(MoneyFormat.money(e.hourlyRate, style)) an hour.",
                drivers: [
                    Driver("working weeks", "\(Int(weeks))", source: p.workingWeeks.source),
                    Driver("loaded hourly cost", MoneyFormat.money(e.hourlyRate, style)),
                    Driver("people", "\(w.people)"),
                ]),
            revenueEffectPerYear: revenueFigure,
            annualValue: Figure(
                value, unit: currency, places: 0,
                why: "Time and rework saved"
                    + (revenueFigure == nil ? "" : ", plus the margin on sales won by faster replies")
                    + ", a year at full adoption."),
            ease: Figure(
                e.ease, unit: "score", places: 2,
                why: easeFactors.map { "\($0.name) \(Figure.decimal($0.score, places: 2))" }.joined(separator: ", ")
                    + ", weighted.",
                drivers: easeFactors.map {
                    Driver(
                        $0.name,
                        "\(Figure.decimal($0.score, places: 2)) × weight \(Figure.decimal($0.weight, places: 2))",
                        source: p.ease.source)
                }),
            priority: Figure.decimal(priority, places: 3),
            agent: agent?.id, inPlan: inPlan, why: why)
    }

    private func agentPlan(
        _ plan: AgentPlanner.Plan, planHours: Double, approvalsChosen: [String], emptyReason: String?
    ) -> AgentPlan {
        let agents = plan.agents.map { a in
            // The business's own choices join the template's: contracts, payments, refunds and
            // complaint replies always wait, whatever the answers say.
            let always = ["contracts", "payments", "refunds", "complaint_replies"]
            let relevant = Set(
                a.approvals
                    + approvalsChosen.filter {
                        a.approvals.contains($0) || !always.contains($0) && isRelevant($0, to: a)
                    })
            return PlannedAgent(
                id: a.id, name: a.name, role: a.role, workflows: a.covers, integrations: a.integrations,
                permissions: a.permissions,
                approvals: relevant.sorted(), buildWeeks: Figure.decimal(a.buildWeeks, places: 1))
        }
        let names = plan.agents.map(\.name).joined(separator: ", ")
        return AgentPlan(
            agents: agents, tier: plan.tier.id, tierName: plan.tier.name, budgetTier: plan.budgetTier.id,
            integrations: plan.integrations,
            hoursSavedPerWeek: Figure(
                planHours, unit: "hours/week", places: 1,
                why: "Hours a week the planned agents take over, rework included."),
            why: plan.agents.isEmpty
                ? "Nothing is worth automating yet: \(emptyReason ?? "no agent fits the answers given")."
                : "\(names): the best opportunities within the \(plan.budgetTier.name) tier the budget allows; \(plan.agents.count) agent\(plan.agents.count == 1 ? "" : "s") and \(plan.integrations.count) integration\(plan.integrations.count == 1 ? "" : "s") need the \(plan.tier.name) tier.",
            overBudget: false
        )
    }

    /// Whether an action the business wants approved concerns what this agent does.
    private func isRelevant(_ action: String, to agent: AgentTemplate) -> Bool {
        switch action {
        case "first_contact": return agent.covers.contains("lead_intake")
        case "calendar_changes": return agent.permissions.contains("calendar.book")
        case "discounts": return agent.covers.contains("follow_up") || agent.covers.contains("invoicing")
        default: return false
        }
    }

    private func costSummary(
        _ c: CostModel, plan: AgentPlanner.Plan, goLiveMonth: Int, currency: String, style: MoneyStyle, toolCount: Int
    ) -> CostSummary {
        let b = model.pricing.build
        let liveMonthsYearOne = max(0, 12 - goLiveMonth)
        let supportMonths = c.supportMonthsInYearOne(goLiveMonth: goLiveMonth)
        let support = Double(supportMonths) * c.supportMonthly
        let running = Double(liveMonthsYearOne) * c.runningMonthly
        let stack = model.pricing.toolStack
        let toolStack = min(stack.maxMonthly, max(stack.minMonthly, Double(toolCount) * stack.perToolMonthly))
        return CostSummary(
            currency: currency,
            build: Figure(
                c.build, unit: currency, places: 0,
                why: plan.agents.isEmpty
                    ? "Nothing to build."
                    : "\(MoneyFormat.money(b.base, style)) base + \(MoneyFormat.money(b.perAgent, style)) for each agent after the first + \(MoneyFormat.money(b.perIntegration, style)) for each integration beyond \(b.includedIntegrations).",
                drivers: [
                    Driver("agents", "\(plan.agents.count)"),
                    Driver("integrations", "\(plan.integrations.count)", source: model.pricing.source),
                ]),
            supportYearOne: Figure(
                support, unit: currency, places: 0,
                why:
                    "\(supportMonths) month\(supportMonths == 1 ? "" : "s") of support and optimisation after go-live at \(MoneyFormat.money(c.supportMonthly, style)) a month (\(plan.tier.name) tier).",
                drivers: [Driver("tier", plan.tier.name, source: model.pricing.source)]),
            runningYearOne: Figure(
                running, unit: currency, places: 0,
                why:
                    "\(liveMonthsYearOne) months live in year one × \(MoneyFormat.money(c.runningMonthly, style)) a month."
            ),
            firstYearInvestment: Figure(
                c.firstYear(goLiveMonth: goLiveMonth), unit: currency, places: 0,
                why: "Build, year-one support and year-one running costs."),
            runningPerMonth: Figure(
                c.runningMonthly, unit: currency, places: 0, why: "Hosting and model usage of the planned agents."),
            ongoingPerYear: Figure(
                c.ongoingPerYear, unit: currency, places: 0,
                why:
                    "12 months of running costs and \(c.supportMonthsPerYearAfter) month\(c.supportMonthsPerYearAfter == 1 ? "" : "s") of support a year."
            ),
            toolStackPerMonth: Figure(
                toolStack, unit: currency, places: 0,
                why:
                    "\(toolCount) tools at about \(MoneyFormat.money(stack.perToolMonthly, style)) a month each, within the usual \(MoneyFormat.money(stack.minMonthly, style))–\(MoneyFormat.money(stack.maxMonthly, style)); the agents coordinate these tools rather than replace them.",
                drivers: [Driver("tools in use", "\(toolCount)", source: stack.source)]))
    }

    private func roiSummary(
        parameters: ScoringParameters, gross: Double, realisation: Double, scenario: String, headline: CashFlow,
        grossTime: Double, cashFlow: (Double) -> CashFlow,
        cost: CostModel,
        monteCarlo: MonteCarlo.Outcome, currency: String, style: MoneyStyle, goLiveWeeks: Double
    ) -> ROISummary {
        let p = parameters
        func timeOnly(_ flow: CashFlow) -> TimeOnlyOutcome {
            TimeOnlyOutcome(
                annualNetBenefit: Figure.decimal(flow.annualNetBenefit, places: 0),
                paybackMonths: flow.paybackMonths.map { Figure.decimal($0, places: 1) },
                firstYearROI: Figure.decimal(flow.firstYearROI, places: 3),
                npv3Years: Figure.decimal(flow.netPresentValue, places: 0))
        }
        let scenarios = ["low", "expected", "high"].map { name -> ScenarioOutcome in
            let share = p.roi.scenarios[name] ?? 0
            let flow = cashFlow(gross * share)
            return ScenarioOutcome(
                name: name, realisation: Figure.decimal(share, places: 2),
                annualNetBenefit: Figure.decimal(flow.annualNetBenefit, places: 0),
                paybackMonths: flow.paybackMonths.map { Figure.decimal($0, places: 1) },
                firstYearROI: Figure.decimal(flow.firstYearROI, places: 3),
                npv3Years: Figure.decimal(flow.netPresentValue, places: 0),
                timeOnly: timeOnly(cashFlow(grossTime * share)))
        }
        let revenue = max(0, gross - grossTime)
        let revenueShare = gross > 0 ? revenue / gross : 0
        func percentile(_ values: [Double], _ f: Double) -> Decimal? {
            let v = MonteCarlo.percentile(values, f)
            return v.isFinite ? Figure.decimal(v, places: v > 1000 ? 0 : 1) : nil
        }
        let mc = p.roi.monteCarlo
        return ROISummary(
            annualGrossBenefit: Figure(
                gross, unit: currency, places: 0,
                why: "Time, rework and revenue effects of the workflows in the plan, a year, at full adoption."),
            annualTimeValue: Figure(
                grossTime, unit: currency, places: 0,
                why:
                    "Hours and rework the planned agents take over, at the loaded hourly cost, a year at full adoption."
            ),
            annualRevenueUpside: Figure(
                revenue, unit: currency, places: 0,
                why: revenue > 0
                    ? "Margin on extra sales assumed from answering leads faster: \(MoneyFormat.percent(revenueShare)) of the gross benefit. An assumption to test, not a saving."
                    : "No revenue effect is counted."),
            revenueShare: Figure.decimal(revenueShare, places: 3),
            timeOnly: timeOnly(cashFlow(grossTime * realisation)),
            annualNetBenefit: Figure(
                headline.annualNetBenefit, unit: currency, places: 0,
                why:
                    "\(scenario.capitalized) scenario: \(MoneyFormat.percent(realisation)) of \(MoneyFormat.money(gross, style)) less \(MoneyFormat.money(cost.ongoingPerYear, style)) a year of running and support."
            ),
            paybackMonths: headline.paybackMonths.map {
                Figure(
                    $0, unit: "months", places: 1,
                    why:
                        "The build (\(MoneyFormat.money(cost.build, style))) is paid up front; benefits start at go-live in week \(Figure.decimal(goLiveWeeks, places: 1)) and ramp up over \(p.adoption.ramp.count) months."
                )
            },
            firstYearROI: Figure(
                headline.firstYearROI, unit: "ratio", places: 3,
                why: "Year-one benefits less year-one costs (build included), over those costs."),
            npv3Years: Figure(
                headline.netPresentValue, unit: currency, places: 0,
                why:
                    "\(p.roi.horizonMonths) months of net cash flow discounted at \(MoneyFormat.percent(p.roi.discountRate)) a year, less the build.",
                drivers: [Driver("discount rate", MoneyFormat.percent(p.roi.discountRate), source: p.roi.source)]),
            scenarios: scenarios,
            cumulativeCashFlow: headline.cumulative.map { Figure.decimal($0, places: 0) },
            monteCarlo: MonteCarloSummary(
                samples: mc.samples, seed: mc.seed,
                netBenefitP10: Figure.decimal(MonteCarlo.percentile(monteCarlo.netBenefit, 0.1), places: 0),
                netBenefitP50: Figure.decimal(MonteCarlo.percentile(monteCarlo.netBenefit, 0.5), places: 0),
                netBenefitP90: Figure.decimal(MonteCarlo.percentile(monteCarlo.netBenefit, 0.9), places: 0),
                paybackMonthsP10: percentile(monteCarlo.payback, 0.1),
                paybackMonthsP50: percentile(monteCarlo.payback, 0.5),
                paybackMonthsP90: percentile(monteCarlo.payback, 0.9),
                timeOnlyNetBenefitP10: Figure.decimal(
                    MonteCarlo.percentile(monteCarlo.timeOnlyNetBenefit, 0.1), places: 0),
                timeOnlyNetBenefitP50: Figure.decimal(
                    MonteCarlo.percentile(monteCarlo.timeOnlyNetBenefit, 0.5), places: 0),
                timeOnlyNetBenefitP90: Figure.decimal(
                    MonteCarlo.percentile(monteCarlo.timeOnlyNetBenefit, 0.9), places: 0),
                timeOnlyPaybackMonthsP50: percentile(monteCarlo.timeOnlyPayback, 0.5),
                why:
                    "\(MoneyFormat.grouped(Int64(mc.samples))) draws (seed \(mc.seed)): hours ±\(MoneyFormat.percent(mc.hoursSpread)), potential ±\(MoneyFormat.percent(mc.potentialSpread)), hourly cost ±\(MoneyFormat.percent(mc.costSpread)), realisation \(MoneyFormat.percent(mc.realisation[0]))–\(MoneyFormat.percent(mc.realisation[1])), revenue uplift ×\(Figure.decimal(mc.upliftFactor[0], places: 1))–\(Figure.decimal(mc.upliftFactor[1], places: 1))."
            ))
    }
}
