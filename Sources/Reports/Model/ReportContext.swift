import Blueprint
import Foundation
import Scoring

/// Turns a ``ReportInput`` into the values templates render: plain strings, lists and flags, with
/// every number already formatted for the assessment's currency. Charts are SVG markup.
struct ReportContext {
    let input: ReportInput
    /// Whether to draw the SVG charts (HTML only).
    let withCharts: Bool

    static let checkLabels = [
        "named_workflow": "One workflow worth 10+ hours a week",
        "describable_process": "A process that is written down",
        "measured_baseline": "A measured baseline",
        "specific_target": "A specific, numeric target",
        "owner": "An owner for the system",
    ]

    static let levelLabels = ["ready": "Ready", "almost": "Almost ready", "not_yet": "Not yet ready"]

    private var r: AssessmentResult { input.result }
    private var currency: String { r.business.currency }

    private var style: MoneyStyle { MoneyStyle(currency: currency, region: r.business.region) }
    private func money(_ d: Decimal) -> String { MoneyFormat.money(NSDecimalNumber(decimal: d).doubleValue, style) }
    private func money(_ d: Double) -> String { MoneyFormat.money(d, style) }
    private func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }
    private func percent(_ d: Decimal) -> String { MoneyFormat.percent(double(d)) }
    private func number(_ d: Decimal) -> String { "\(d)" }

    func values() -> [String: Any] {
        let weeks = input.model.parameters.workingWeeks.value
        let planned = r.opportunities.filter(\.inPlan)
        let hoursYear = double(r.plan.hoursSavedPerWeek.value) * weeks
        let valueYear = planned.reduce(0.0) { $0 + double($1.annualValue.value) }
        let payback = r.roi.paybackMonths.map { "\($0.value) months" }
        let topThree = r.opportunities.prefix(3).map(\.label)
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
                "top": topThree.isEmpty ? "no workflow yet" : Self.list(topThree),
                "hours_per_year": MoneyFormat.number(Int64(hoursYear.rounded()), style),
                "value_per_year": money(valueYear),
                "tier": r.plan.tierName,
                "first_year": money(r.cost.firstYearInvestment.value),
                "payback": payback ?? "not within \(r.roi.cumulativeCashFlow.count - 1) months",
                "net_per_year": money(r.roi.annualNetBenefit.value),
                "scenario": r.scenario,
                "readiness": "\(r.readiness.score)",
                "readiness_level": Self.levelLabels[r.readiness.level] ?? r.readiness.level,
            ],
            "has_plan": !r.plan.agents.isEmpty,
        ]
        values["readiness"] = [
            "score": "\(r.readiness.score)", "level": Self.levelLabels[r.readiness.level] ?? r.readiness.level,
            "first_step": r.readiness.firstStep ?? "", "has_first_step": r.readiness.firstStep != nil,
            "checks": r.readiness.checks.map { c -> [String: Any] in
                [
                    "label": Self.checkLabels[c.id] ?? c.id, "passed": c.passed, "mark": c.passed ? "✓" : "✗",
                    "status": c.passed ? "Passed" : "Not yet", "detail": c.detail, "action": c.action ?? "",
                    "has_action": c.action != nil,
                    "points": "\(c.points)",
                ]
            },
        ]
        values["opportunities"] = r.opportunities.map { o -> [String: Any] in
            [
                "rank": "\(o.rank)", "label": o.label, "hours_now": number(o.hoursPerWeek),
                "hours_saved": number(o.hoursSavedPerWeek.value),
                "potential": percent(o.potential.value), "annual_value": money(o.annualValue.value),
                "ease": percent(o.ease.value),
                "why": o.why, "potential_why": o.potential.why, "in_plan": o.inPlan,
                "plan_mark": o.inPlan ? "Yes" : "Not yet",
                "revenue_why": o.revenueEffectPerYear?.why ?? "", "has_revenue": o.revenueEffectPerYear != nil,
            ]
        }
        values["agents"] = r.plan.agents.map { a -> [String: Any] in
            let labels = a.workflows.map { w in input.model.parameters.workflows[w]?.label ?? w }
            let configured = input.blueprint.agents.first { $0.id == a.id }
            let rules = configured.map { PlainWords.rules(for: $0, in: input.blueprint) } ?? []
            let approvals = rules.map { "\(PlainWords.action($0.action)) (\(PlainWords.condition($0.when)))" }
            return [
                "name": a.name, "role": a.role, "workflows": Self.list(labels),
                "may": (configured?.permissions ?? a.permissions).map(PlainWords.scope),
                "may_not": configured.map { PlainWords.neverAlone($0).map(PlainWords.action) } ?? [],
                "approvals": approvals, "has_approvals": !approvals.isEmpty,
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
        values["roi"] = [
            "gross": money(r.roi.annualGrossBenefit.value), "net": money(r.roi.annualNetBenefit.value),
            "net_why": r.roi.annualNetBenefit.why,
            "payback": r.roi.paybackMonths.map { "\($0.value) months" } ?? "not within the horizon",
            "payback_why": r.roi.paybackMonths?.why ?? "", "first_year_roi": percent(r.roi.firstYearROI.value),
            "npv": money(r.roi.npv3Years.value), "npv_why": r.roi.npv3Years.why,
            "scenarios": r.roi.scenarios.map { s -> [String: Any] in
                [
                    "name": s.name.capitalized, "realisation": percent(s.realisation), "net": money(s.annualNetBenefit),
                    "payback": s.paybackMonths.map { "\($0) months" } ?? "over 36 months",
                    "roi": percent(s.firstYearROI), "npv": money(s.npv3Years),
                ]
            },
            "mc_p10": money(r.roi.monteCarlo.netBenefitP10), "mc_p50": money(r.roi.monteCarlo.netBenefitP50),
            "mc_p90": money(r.roi.monteCarlo.netBenefitP90), "mc_why": r.roi.monteCarlo.why,
            "mc_payback": [
                r.roi.monteCarlo.paybackMonthsP10, r.roi.monteCarlo.paybackMonthsP50, r.roi.monteCarlo.paybackMonthsP90,
            ]
            .map { $0.map { "\($0)" } ?? "over 36" }.joined(separator: " / "),
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
        values["overrides"] = r.overrides.keys.sorted().map { "\($0) = \(r.overrides[$0]!)" }
        values["has_overrides"] = !r.overrides.isEmpty
        values["next_steps"] = nextSteps()
        values["baseline"] = baseline()
        values["notes"] = input.notes
        values["has_notes"] = !input.notes.isEmpty
        values["flags"] = r.flags
        values["has_flags"] = !r.flags.isEmpty
        values["parameters_version"] = r.parametersVersion
        if withCharts {
            let weights = input.model.parameters.readiness.weights
            values["charts"] = [
                "hours": Charts.hours(r, accent: accent), "cash": Charts.cashFlow(r, accent: accent),
                "timeline": Charts.timeline(r, accent: accent),
                "readiness": Charts.readiness(r, weights: weights, labels: Self.checkLabels, accent: accent),
            ]
        }
        return values
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

    private func nextSteps() -> [String] {
        var steps: [String] = []
        if let first = r.readiness.firstStep { steps.append(first + ".") }
        for check in r.readiness.checks where !check.passed {
            if let action = check.action, action != r.readiness.firstStep { steps.append(action + ".") }
        }
        if let top = r.plan.agents.first {
            steps.append(
                "Agree the scope of the \(top.name.lowercased()) and book the build kickoff (week 1 of the timeline).")
        }
        steps.append("After go-live, compare the measured figures with the baseline in \"Baseline and actual\".")
        return steps
    }

    /// The KPIs to measure after go-live, with today's baseline; actuals stay empty until measured.
    private func baseline() -> [[String: String]] {
        var rows: [[String: String]] = []
        for o in r.opportunities where o.inPlan {
            rows.append([
                "measure": "\(o.label): hours a week", "baseline": "\(o.hoursPerWeek) h",
                "target": "\(SVG.n(max(0, double(o.hoursPerWeek) - double(o.hoursSavedPerWeek.value)))) h",
                "actual": "not measured yet",
            ])
        }
        if let lead = r.opportunities.first(where: { $0.revenueEffectPerYear != nil && $0.inPlan }),
            let response = lead.revenueEffectPerYear?.drivers.first(where: { $0.name == "first response today" })
        {
            rows.insert(
                [
                    "measure": "Lead first-response time", "baseline": response.value, "target": "5 min",
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

    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
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
