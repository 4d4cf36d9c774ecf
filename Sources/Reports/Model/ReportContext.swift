import Blueprint
import Foundation
import Scoring

/// Turns a ``ReportInput`` into the values templates render: plain strings, lists and flags, with
/// every number already formatted for the assessment's currency. Charts are SVG markup.
struct ReportContext {
    let input: ReportInput
    /// Whether to draw the SVG charts (HTML only).
    let withCharts: Bool

    /// The readiness checks by id, as the report names them (the hours from `pain_hours`).
    var checkLabels: [String: String] {
        let hours = MoneyFormat.figure(input.model.parameters.readiness.painHours, places: 1)
        return [
            "named_workflow": "The workflow that hurts most takes \(hours)+ hours a week",
            "describable_process": "A process that is written down",
            "measured_baseline": "A measured baseline",
            "specific_target": "A specific, numeric target",
            "owner": "An owner for the system",
        ]
    }

    static let levelLabels = ["ready": "Ready", "almost": "Almost ready", "not_yet": "Not yet ready"]

    private var r: AssessmentResult { input.result }
    private var currency: String { r.business.currency }

    private var style: MoneyStyle { MoneyStyle(currency: currency, region: r.business.region) }
    private func money(_ d: Decimal) -> String { MoneyFormat.money(NSDecimalNumber(decimal: d).doubleValue, style) }
    private func money(_ d: Double) -> String { MoneyFormat.money(d, style) }
    private func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }
    private func percent(_ d: Decimal) -> String { MoneyFormat.percent(double(d)) }
    /// Hours, weeks and months as the tables print them: grouped, up to two decimals (`1,234.5`).
    private func number(_ d: Decimal) -> String { MoneyFormat.figure(double(d), places: 2, french: style.french) }

    /// The names each list's rows hold, so that a template naming them is checked even when the
    /// list is empty (a plan with no agents, a business with no workflows). A test holds every
    /// row to these names.
    static let rowNames: [String: [String]] = [
        "readiness.checks": [
            "label", "passed", "mark", "status", "detail", "action", "has_action", "points",
        ],
        "opportunities": [
            "rank", "label", "hours_now", "hours_saved", "potential", "annual_value", "time_value", "ease", "why",
            "potential_why", "in_plan", "plan_mark", "revenue_why", "has_revenue",
        ],
        "agents": [
            "name", "role", "workflows", "may", "approvals", "has_approvals", "cannot", "has_cannot", "build_weeks",
        ],
        "roi.scenarios": [
            "name", "realisation", "net", "payback", "roi", "npv", "net_time_only", "payback_time_only", "has_revenue",
        ],
        "timeline.phases": ["name", "start", "weeks", "duration"],
        "baseline": ["measure", "baseline", "target", "actual"],
    ]

    func values() -> [String: Any] {
        let weeks = input.model.parameters.workingWeeks.value
        let planned = r.opportunities.filter(\.inPlan)
        let hasPlan = !r.plan.agents.isEmpty
        let hoursYear = double(r.plan.hoursSavedPerWeek.value) * weeks
        let horizon = max(0, r.roi.cumulativeCashFlow.count - 1)
        let hasRevenue = r.roi.annualRevenueUpside.value > 0
        func months(_ m: Decimal?) -> String { m.map { "\(number($0)) months" } ?? "over \(horizon) months" }
        let accent = input.branding.accent
        var values: [String: Any] = [
            "title": "AI readiness assessment",
            "paper": input.paper.css,
            "date": Self.formatDate(input.date),
            "assessment_id": "\(input.assessmentID)",
            "business": [
                "name": r.business.name, "team_size": "\(r.business.teamSize)", "currency": currency,
                "hours": number(r.business.workflowHoursPerWeek), "time_zone": r.business.timeZone,
            ],
            "firm": [
                "name": input.branding.firm, "contact": input.branding.contact ?? "",
                "has_contact": input.branding.contact != nil,
                "logo": input.branding.logoDataURI ?? "", "has_logo": input.branding.logoDataURI != nil,
                "accent": accent, "css_name": Self.cssString(input.branding.firm),
            ],
            "summary": [
                // Only workflows in the plan are where to start.
                "top": Self.list(planned.prefix(3).map(\.label)),
                "top_intro": planned.count == 1 ? "The best place to start is" : "The best places to start are",
                "over_budget": r.plan.overBudget,
                "go_live_subject": r.plan.agents.count == 1 ? "the agent goes" : "the agents go",
                "hours_per_year": MoneyFormat.number(Int64(hoursYear.rounded()), style),
                "time_value": money(r.roi.annualTimeValue.value),
                "revenue_upside": money(r.roi.annualRevenueUpside.value),
                "revenue_share": percent(r.roi.revenueShare),
                "has_revenue": hasRevenue,
                "tier": r.plan.tierName,
                "first_year": money(r.cost.firstYearInvestment.value),
                "payback": months(r.roi.paybackMonths?.value),
                "payback_time_only": months(r.roi.timeOnly.paybackMonths),
                "net_per_year": money(r.roi.annualNetBenefit.value),
                "net_time_only": money(r.roi.timeOnly.annualNetBenefit),
                "scenario": r.scenario,
                "readiness": "\(r.readiness.score)",
                "readiness_level": Self.levelLabels[r.readiness.level] ?? r.readiness.level,
                "nothing_yet": r.plan.why,
                "measure_first": measureFirst(),
            ],
            "has_plan": hasPlan,
        ]
        values["readiness"] = [
            "score": "\(r.readiness.score)", "level": Self.levelLabels[r.readiness.level] ?? r.readiness.level,
            "first_step": r.readiness.firstStep ?? "", "has_first_step": r.readiness.firstStep != nil,
            "checks": r.readiness.checks.map { c -> [String: Any] in
                [
                    "label": checkLabels[c.id] ?? c.id, "passed": c.passed, "mark": c.passed ? "✓" : "✗",
                    "status": c.passed ? "Passed" : "Not yet", "detail": c.detail, "action": c.action ?? "",
                    "has_action": c.action != nil,
                    "points": "\(c.points)",
                ]
            },
        ]
        values["opportunities"] = r.opportunities.map { o -> [String: Any] in
            [
                "rank": "\(o.rank)", "label": o.label, "hours_now": number(o.hoursPerWeek),
                // Hours and rework, as the headline, the chart and the baseline count them.
                "hours_saved": number(o.hoursSavedPerWeek.value + o.reworkHoursSavedPerWeek.value),
                "potential": percent(o.potential.value), "annual_value": money(o.annualValue.value),
                "time_value": money(o.timeValuePerYear.value),
                "ease": percent(o.ease.value),
                "why": o.why, "potential_why": o.potential.why, "in_plan": o.inPlan,
                "plan_mark": o.inPlan ? "Yes" : o.agent == nil && o.workflow == WorkflowAnswers.customType
                    ? "Custom build" : "Not yet",
                "revenue_why": o.revenueEffectPerYear?.why ?? "", "has_revenue": o.revenueEffectPerYear != nil,
            ]
        }
        values["agents"] = r.plan.agents.map { a -> [String: Any] in
            let labels = a.workflows.map { w in input.model.parameters.workflows[w]?.label ?? w }
            let configured = input.blueprint.agents.first { $0.id == a.id }
            let rules = configured.map { PlainWords.rules(for: $0, in: input.blueprint) } ?? []
            // "Never on its own" is what waits for a person; what the agent cannot do at all is said apart.
            let approvals = rules.map { "\(PlainWords.action($0.action)) (\(PlainWords.condition($0.when)))" }
            let waiting = Set(rules.map(\.action))
            let cannot = (configured.map(PlainWords.neverAlone) ?? []).filter { !waiting.contains($0) }
                .map(PlainWords.action)
            return [
                "name": a.name, "role": a.role, "workflows": Self.list(labels),
                "may": Self.sentence((configured?.permissions ?? a.permissions).map(PlainWords.scope)),
                "approvals": Self.sentence(approvals), "has_approvals": !approvals.isEmpty,
                "cannot": Self.sentence(cannot), "has_cannot": !cannot.isEmpty,
                "build_weeks": number(a.buildWeeks),
            ]
        }
        values["plan_why"] = r.plan.why
        values["cost"] = [
            "build": money(r.cost.build.value), "build_why": r.cost.build.why,
            "support": money(r.cost.supportYearOne.value), "support_why": r.cost.supportYearOne.why,
            "running": money(r.cost.runningYearOne.value), "first_year": money(r.cost.firstYearInvestment.value),
            "monthly": money(r.cost.runningPerMonth.value), "ongoing": money(r.cost.ongoingPerYear.value),
            "ongoing_why": r.cost.ongoingPerYear.why,
            "tool_stack": money(r.cost.toolStackPerMonth.value), "tool_stack_why": r.cost.toolStackPerMonth.why,
        ]
        let mc = r.roi.monteCarlo
        values["roi"] = [
            "gross": money(r.roi.annualGrossBenefit.value), "net": money(r.roi.annualNetBenefit.value),
            "horizon_months": "\(horizon)",
            "net_why": r.roi.annualNetBenefit.why,
            "time_value": money(r.roi.annualTimeValue.value), "time_value_why": r.roi.annualTimeValue.why,
            "revenue_upside": money(r.roi.annualRevenueUpside.value), "revenue_why": r.roi.annualRevenueUpside.why,
            "revenue_share": percent(r.roi.revenueShare), "has_revenue": hasRevenue,
            "net_time_only": money(r.roi.timeOnly.annualNetBenefit),
            "payback": months(r.roi.paybackMonths?.value),
            "payback_time_only": months(r.roi.timeOnly.paybackMonths),
            "payback_why": r.roi.paybackMonths?.why ?? "", "first_year_roi": percent(r.roi.firstYearROI.value),
            "first_year_roi_time_only": percent(r.roi.timeOnly.firstYearROI),
            "npv": money(r.roi.npv3Years.value), "npv_why": r.roi.npv3Years.why,
            "npv_time_only": money(r.roi.timeOnly.npv3Years),
            "scenarios": r.roi.scenarios.map { s -> [String: Any] in
                [
                    "name": s.name.capitalized, "realisation": percent(s.realisation), "net": money(s.annualNetBenefit),
                    "payback": months(s.paybackMonths), "roi": percent(s.firstYearROI), "npv": money(s.npv3Years),
                    "net_time_only": money(s.timeOnly.annualNetBenefit),
                    "payback_time_only": months(s.timeOnly.paybackMonths),
                    // Inside a row, `roi` names the row's own ROI, so the row carries the flag itself.
                    "has_revenue": hasRevenue,
                ]
            },
            "mc_p10": money(mc.netBenefitP10), "mc_p50": money(mc.netBenefitP50), "mc_p90": money(mc.netBenefitP90),
            "mc_time_p10": money(mc.timeOnlyNetBenefitP10), "mc_time_p50": money(mc.timeOnlyNetBenefitP50),
            "mc_time_p90": money(mc.timeOnlyNetBenefitP90),
            "mc_time_payback": months(mc.timeOnlyPaybackMonthsP50),
            "mc_why": mc.why,
            "mc_payback": [mc.paybackMonthsP10, mc.paybackMonthsP50, mc.paybackMonthsP90]
                .map { $0.map { number($0) } ?? "over \(horizon)" }.joined(separator: " / "),
        ]
        values["timeline"] = [
            "go_live": number(r.timeline.goLiveWeek), "total": number(r.timeline.totalWeeks),
            "phases": r.timeline.phases.map {
                [
                    "name": $0.name, "start": number($0.startWeek), "weeks": number($0.weeks),
                    "duration": $0.weeks == 1 ? "1 week" : "\(number($0.weeks)) weeks",
                ]
            },
        ]
        values["sources"] = sources()
        values["overrides"] = Self.sentence(r.overrides.keys.sorted().map { "\($0) = \(r.overrides[$0]!)" })
        values["has_overrides"] = !r.overrides.isEmpty
        values["next_steps"] = NextSteps(result: r, date: input.date).steps()
        values["baseline"] = baseline()
        values["notes"] = input.notes
        values["has_notes"] = !input.notes.isEmpty
        values["client_notes"] = Self.paragraphs(r.clientNotes ?? "")
        values["has_client_notes"] = r.clientNotes != nil
        values["flags"] = r.flags
        values["has_flags"] = !r.flags.isEmpty
        values["parameters_version"] = r.parametersVersion
        if withCharts {
            let weights = input.model.parameters.readiness.weights
            values["charts"] = [
                "hours": Charts.hours(r, accent: accent), "cash": Charts.cashFlow(r, accent: accent),
                "timeline": Charts.timeline(r, accent: accent),
                "readiness": Charts.readiness(r, weights: weights, labels: checkLabels, accent: accent),
            ]
        }
        return values
    }

    /// What to measure when nothing is worth automating yet: the largest workflow described.
    private func measureFirst() -> String {
        let largest = r.opportunities.max { a, b in a.hoursPerWeek < b.hoursPerWeek }
        let what = largest.map { Wording.inSentence($0) } ?? "the workflow that seems to cost most"
        return
            "Measure \(what) for two weeks (hours a week, how many, how often it is redone), then score the assessment again."
    }

    /// Every source cited by a figure, in order of first appearance.
    private func sources() -> [String] {
        var seen: [String] = []
        func add(_ s: String?) {
            if let s, !s.isEmpty, !seen.contains(s) { seen.append(s) }
        }
        let p = input.model.parameters
        add(p.activities.source)
        for o in r.opportunities {
            for d in o.potential.drivers + (o.revenueEffectPerYear?.drivers ?? []) + o.ease.drivers
                + o.timeValuePerYear.drivers
            { add(d.source) }
        }
        add(p.rework.source)
        add(p.adoption.source)
        add(p.readiness.source)
        add(p.roi.source)
        add(input.model.pricing.source)
        return seen
    }

    /// The KPIs to measure after go-live, with today's baseline; actuals stay empty until measured.
    private func baseline() -> [[String: String]] {
        // With nothing planned, every workflow is worth a measured baseline before deciding.
        let measured = r.plan.agents.isEmpty ? r.opportunities : r.opportunities.filter(\.inPlan)
        var rows: [[String: String]] = measured.map { o in
            [
                "measure": "\(o.label): hours a week", "baseline": "\(number(o.hoursPerWeek)) h",
                "target": o.inPlan ? "\(Charts.figure(Charts.hoursAfter(o), style)) h" : "to be set",
                "actual": "not measured yet",
            ]
        }
        if let lead = r.opportunities.first(where: { $0.revenueEffectPerYear != nil && $0.inPlan }),
            let response = lead.revenueEffectPerYear?.drivers.first(where: { $0.name == "first response today" })
        {
            let target = MoneyFormat.duration(minutes: input.model.parameters.leadResponse.targetMinutes)
            rows.insert(
                [
                    "measure": "Lead first-response time", "baseline": response.value, "target": target,
                    "actual": "not measured yet",
                ], at: 0)
        }
        return rows
    }

    /// Text for inside a CSS string: every character that could end the string, the rule or the
    /// `<style>` element becomes a CSS escape (`&` → `\26 `).
    static func cssString(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || " .,-".unicodeScalars.contains(scalar)
            {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\" + String(scalar.value, radix: 16) + " "
            }
        }
        return out
    }

    /// Items as one sentence: `a; b; c.`, or empty when there are none.
    static func sentence(_ items: [String]) -> String {
        items.isEmpty ? "" : items.joined(separator: "; ") + "."
    }

    /// Text split into its paragraphs (blank lines between), each trimmed.
    static func paragraphs(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    /// `A`, `A and B`, `A, B, and C`: the serial comma keeps labels that hold "and" apart.
    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        case 2: return items[0] + " and " + items[1]
        default: return items.dropLast().joined(separator: ", ") + ", and " + items.last!
        }
    }

    static func formatDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_CA")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "MMMM d, yyyy"
        return formatter.string(from: date)
    }
}
