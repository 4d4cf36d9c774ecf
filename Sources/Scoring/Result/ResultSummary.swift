import Foundation

/// The result as plain text for a terminal: ranked opportunities, the plan and its tier, ROI and
/// readiness. Pure; no colours, so it reads the same in a pipe.
public enum ResultSummary {
    public static func lines(_ r: AssessmentResult) -> [String] {
        let currency = r.business.currency
        let style = MoneyStyle(currency: currency, region: r.business.region)
        func money(_ d: Decimal) -> String { MoneyFormat.money(NSDecimalNumber(decimal: d).doubleValue, style) }
        func share(_ d: Decimal) -> String { MoneyFormat.percent(NSDecimalNumber(decimal: d).doubleValue) }
        var out: [String] = []
        let workflows = r.opportunities.count == 1 ? "1 workflow" : "\(r.opportunities.count) workflows"
        let horizon = max(0, r.roi.cumulativeCashFlow.count - 1)
        out.append(
            "\(r.business.name): \(r.business.workflowHoursPerWeek) h a week in \(workflows) (\(r.scenario) scenario)")
        if !r.overrides.isEmpty {
            out.append(
                "Adjusted for this run: "
                    + r.overrides.keys.sorted().map { "\($0)=\(r.overrides[$0]!)" }.joined(separator: ", "))
        }
        out.append("")
        out.append("Opportunities, best first")
        let rows = r.opportunities.map { o in
            [
                "\(o.rank).", o.label, "\(o.hoursPerWeek) h",
                "−\(o.hoursSavedPerWeek.value + o.reworkHoursSavedPerWeek.value) h", share(o.potential.value),
                money(o.timeValuePerYear.value) + "/yr"
                    + (o.revenueEffectPerYear.map { " + \(money($0.value)) assumed sales" } ?? ""),
                "ease \(share(o.ease.value))", o.inPlan ? "in plan" : "",
            ]
        }
        out += table(rows).map { "  " + $0 }
        if let top = r.opportunities.first {
            let revenue =
                top.revenueEffectPerYear.map { " + \(money($0.value)) margin on sales won by faster replies" } ?? ""
            out.append("  Why #1: \(top.why)")
            out.append(
                "          Worth \(money(top.annualValue.value)) a year: \(money(top.timeValuePerYear.value)) of time and rework saved\(revenue)."
            )
            out.append("          \(top.potential.why)")
        }
        out.append("")
        guard !r.plan.agents.isEmpty else {
            out.append("Recommended: nothing yet. \(r.plan.why)")
            out.append(
                "  Next: measure \(r.opportunities.max { $0.hoursPerWeek < $1.hoursPerWeek }.map { Wording.inSentence($0) } ?? "one workflow") for two weeks (hours, how many, how often redone), then score again."
            )
            out.append("")
            out += readiness(r)
            for flag in r.flags { out.append("! \(flag)") }
            return out
        }
        out.append(
            "Recommended: \(r.plan.tierName) tier, \(r.plan.agents.count) agent\(r.plan.agents.count == 1 ? "" : "s"), saving \(r.plan.hoursSavedPerWeek.value) h a week"
        )
        for agent in r.plan.agents {
            out.append("  • \(agent.name): \(agent.role)")
        }
        out.append("")
        out.append(
            "Cost: build \(money(r.cost.build.value)), first year \(money(r.cost.firstYearInvestment.value)), then \(money(r.cost.ongoingPerYear.value)) a year"
        )
        out.append("      (your tools today: about \(money(r.cost.toolStackPerMonth.value)) a month)")
        let payback = r.roi.paybackMonths.map { "\($0.value) months" } ?? "over \(horizon) months"
        let timePayback = r.roi.timeOnly.paybackMonths.map { "\($0) months" } ?? "over \(horizon) months"
        out.append(
            "Value: \(money(r.roi.annualTimeValue.value)) a year of time saved at full adoption"
                + (r.roi.annualRevenueUpside.value > 0
                    ? "; plus \(money(r.roi.annualRevenueUpside.value)) assumed margin on extra sales (\(share(r.roi.revenueShare)) of the total)"
                    : ""))
        if r.roi.annualRevenueUpside.value > 0 {
            out.append(
                "ROI:  time saved alone: \(money(r.roi.timeOnly.annualNetBenefit)) net a year, payback \(timePayback)")
            out.append(
                "      with the assumed sales: \(money(r.roi.annualNetBenefit.value)) net a year, payback \(payback), first-year ROI \(share(r.roi.firstYearROI.value)), 3-year NPV \(money(r.roi.npv3Years.value))"
            )
        } else {
            out.append(
                "ROI:  \(money(r.roi.annualNetBenefit.value)) net a year, payback \(payback), first-year ROI \(share(r.roi.firstYearROI.value)), 3-year NPV \(money(r.roi.npv3Years.value))"
            )
        }
        let mc = r.roi.monteCarlo
        let hasRevenue = r.roi.annualRevenueUpside.value > 0
        func months(_ m: Decimal?) -> String { m.map { "\($0) months" } ?? "over \(horizon) months" }
        out.append(
            "      Monte Carlo (\(MoneyFormat.grouped(Int64(mc.samples))) draws), time saved alone: net a year P10 \(money(mc.timeOnlyNetBenefitP10)) · P50 \(money(mc.timeOnlyNetBenefitP50)) · P90 \(money(mc.timeOnlyNetBenefitP90)), median payback \(months(mc.timeOnlyPaybackMonthsP50))"
        )
        if hasRevenue {
            let paybacks = [mc.paybackMonthsP10, mc.paybackMonthsP50, mc.paybackMonthsP90].map {
                $0.map { "\($0)" } ?? "over \(horizon)"
            }
            out.append(
                "      with the assumed sales: net a year P10 \(money(mc.netBenefitP10)) · P50 \(money(mc.netBenefitP50)) · P90 \(money(mc.netBenefitP90)); payback P10 \(paybacks[0]) · P50 \(paybacks[1]) · P90 \(paybacks[2]) months"
            )
        }
        for s in r.roi.scenarios {
            let name = "\(s.name.padding(toLength: 8, withPad: " ", startingAt: 0)) (\(share(s.realisation)))"
            let timeOnly = "\(money(s.timeOnly.annualNetBenefit)) a year, payback \(months(s.timeOnly.paybackMonths))"
            out.append(
                "      \(name): \(timeOnly)"
                    + (hasRevenue
                        ? "; with the assumed sales \(money(s.annualNetBenefit)) a year, payback \(months(s.paybackMonths))"
                        : ""))
        }
        out.append("")
        out += readiness(r)
        if let first = r.readiness.firstStep { out.append("  First: \(first)") }
        out.append("")
        out.append("Timeline: go-live in week \(r.timeline.goLiveWeek), done by week \(r.timeline.totalWeeks)")
        for flag in r.flags { out.append("! \(flag)") }
        return out
    }

    private static func readiness(_ r: AssessmentResult) -> [String] {
        ["Readiness: \(r.readiness.score)/100, \(r.readiness.level.replacingOccurrences(of: "_", with: " "))"]
            + r.readiness.checks.map { "  \($0.passed ? "✓" : "✗") \($0.detail)" }
    }

    private static func table(_ rows: [[String]]) -> [String] {
        guard let width = rows.first?.count else { return [] }
        let widths = (0..<width).map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }
}
