import Foundation
import Outcomes
import Scoring

/// Turns a ``ReviewInput`` into the values the review templates render: plain strings, lists and
/// flags, every number formatted, every chart drawn. A snapshot's text (names, agent ids, who
/// exported it) goes through the templates' escaping like any text a person typed.
struct ReviewContext {
    let input: ReviewInput
    let withCharts: Bool

    /// The names each list's rows hold (checked even when a list is empty).
    static let rowNames: [String: [String]] = [
        "kpis": [
            "name", "baseline", "target", "actual", "sample", "confidence", "note", "source", "has_source", "chart",
            "method", "sure",
        ],
        "weeks": ["start", "days", "leads", "p50", "within", "hours"],
        "rescore.replacements": ["what", "answered", "measured"],
        "rescore.rows": ["measure", "original", "evidence"],
        "runtime.agents": ["id", "tasks"],
    ]

    private var r: AssessmentResult { input.report.result }
    private var s: KPISnapshot { input.snapshot }
    private var style: MoneyStyle { MoneyStyle(currency: r.business.currency, region: r.business.region) }
    private func money(_ d: Double?) -> String {
        d.map { MoneyFormat.money($0.isFinite ? $0 : 0, style) } ?? "too few leads to say"
    }
    private func money(_ d: Decimal) -> String { MoneyFormat.money(NSDecimalNumber(decimal: d).doubleValue, style) }
    private func figure(_ d: Double?, places: Int = 1) -> String {
        guard let d, d.isFinite else { return "—" }
        return MoneyFormat.figure(d, places: places, french: style.french)
    }
    private func minutes(_ d: Double?) -> String {
        guard let d, d.isFinite else { return "—" }
        return "\(figure(d)) min"
    }

    func values() -> [String: Any] {
        let findings = ReviewFindings(input)
        let firm = input.report.branding
        let total = s.total
        let period = "\(s.period.since) to \(s.period.until)"
        var values: [String: Any] = [
            "title": "Review after \(s.period.days) days",
            "days": "\(s.period.days)",
            "paper": input.report.paper.css,
            "date": ReportContext.formatDate(input.report.date),
            "assessment_id": "\(input.report.assessmentID)",
            "business": ["name": r.business.name, "currency": r.business.currency],
            "firm": [
                "name": firm.firm, "contact": firm.contact ?? "", "has_contact": firm.contact != nil,
                "logo": firm.logoDataURI ?? "", "has_logo": firm.logoDataURI != nil, "accent": firm.accent,
                "css_name": ReportContext.cssString(firm.firm),
            ],
            "period": ["since": s.period.since, "until": s.period.until, "days": "\(s.period.days)", "text": period],
            "status": findings.status.rawValue,
            "status_title": findings.status.rawValue.prefix(1).uppercased() + findings.status.rawValue.dropFirst(),
            "reasons": findings.reasons,
            "seal": [
                "intact": input.intact, "digest": s.digest, "exported_by": s.exportedBy, "exported_at": s.exportedAt,
                "blueprint_digest": s.blueprintDigest,
            ],
            "answers_changed": input.answersChanged,
        ]
        let weekStarts = s.weeks.map(\.start)
        values["kpis"] = s.kpis.enumerated().map { i, kpi -> [String: Any] in
            let sure = kpi.actual != nil && kpi.confidence != .tooFew
            let actual: String
            switch kpi.method {
            case .notMeasured: actual = "not measured by the runtime"
            case _ where kpi.confidence == .tooFew && kpi.method == .measured: actual = "too few to say"
            default: actual = kpi.actual.map { ReviewFindings.amount($0, kpi.unit, style) } ?? "too few to say"
            }
            return [
                "name": kpi.name, "baseline": ReviewFindings.amount(kpi.baseline, kpi.unit, style),
                "target": ReviewFindings.amount(kpi.target, kpi.unit, style), "actual": actual,
                "sample": "\(kpi.sample)", "confidence": kpi.method == .estimate ? "estimate" : kpi.confidence.words,
                "note": kpi.note, "source": kpi.baselineSource ?? "", "has_source": kpi.baselineSource != nil,
                "chart": withCharts && kpi.method != .notMeasured
                    ? ReviewCharts.kpi(kpi, weekStarts: weekStarts, accent: firm.accent, style: style, index: i) : "",
                "method": kpi.method.rawValue.replacingOccurrences(of: "_", with: " "), "sure": sure,
            ]
        }
        values["weeks"] = s.weeks.map { w -> [String: Any] in
            [
                "start": w.start, "days": "\(w.days)", "leads": "\(w.leads.received - w.leads.spam)",
                "p50": w.firstResponse.confidence == .tooFew ? "too few" : minutes(w.firstResponse.p50Minutes),
                "within": w.firstResponse.withinTarget.map { MoneyFormat.percent($0) } ?? "—",
                "hours": figure(w.hoursTakenOver.hours),
            ]
        }
        let hasRevenue = findings.projectedRevenue > 0
        values["benefit"] = [
            "days": "\(s.period.days)",
            "projected_time": money(findings.projectedTime),
            "realised_time": findings.realisedTime.map { money($0) } ?? "nothing measured",
            "projected_revenue": money(findings.projectedRevenue), "realised_revenue": money(findings.realisedRevenue),
            "projected_total": money(findings.projectedTime + findings.projectedRevenue),
            "realised_total": findings.realisedTime.map { money($0 + (findings.realisedRevenue ?? 0)) }
                ?? "nothing measured",
            "has_revenue": hasRevenue, "revenue_unsure": hasRevenue && findings.realisedRevenue == nil,
            "projected_hours": figure(findings.projectedHoursPerWeek),
            "measured_hours": figure(findings.measuredHoursPerWeek),
        ]
        var rescore: [String: Any] = [
            "has": input.rescored != nil,
            "replacements": input.replacements.map {
                ["what": $0.what, "answered": $0.answered, "measured": $0.measured]
            },
        ]
        if let e = input.rescored {
            func months(_ m: Decimal?) -> String {
                m.map { "\(MoneyFormat.figure(NSDecimalNumber(decimal: $0).doubleValue, places: 1)) months" }
                    ?? "not within the horizon"
            }
            rescore["rows"] = [
                [
                    "measure": "Time saved, a year", "original": money(r.roi.annualTimeValue.value),
                    "evidence": money(e.roi.annualTimeValue.value),
                ],
                [
                    "measure": "Revenue effect, a year", "original": money(r.roi.annualRevenueUpside.value),
                    "evidence": money(e.roi.annualRevenueUpside.value),
                ],
                [
                    "measure": "Net benefit, a year", "original": money(r.roi.annualNetBenefit.value),
                    "evidence": money(e.roi.annualNetBenefit.value),
                ],
                [
                    "measure": "Payback", "original": months(r.roi.paybackMonths?.value),
                    "evidence": months(e.roi.paybackMonths?.value),
                ],
                [
                    "measure": "First-year ROI",
                    "original": MoneyFormat.percent(NSDecimalNumber(decimal: r.roi.firstYearROI.value).doubleValue),
                    "evidence": MoneyFormat.percent(NSDecimalNumber(decimal: e.roi.firstYearROI.value).doubleValue),
                ],
            ]
        } else {
            rescore["rows"] = [[String: String]]()
        }
        values["rescore"] = rescore
        let books = total.books
        values["runtime"] = [
            "leads": "\(total.leads.received)", "spam": "\(total.leads.spam)", "answered": "\(total.leads.answered)",
            "waiting": "\(total.leads.waitingForPerson)", "unanswered": "\(total.leads.unanswered)",
            "without_person": "\(total.repliesWithoutPerson)", "after_approval": "\(total.repliesAfterApproval)",
            "approval_p50": total.approvalTurnaround.sample == 0
                ? "no approvals decided" : minutes(total.approvalTurnaround.p50Minutes),
            "approvals": "\(total.approvalTurnaround.sample)",
            "p50": minutes(total.firstResponse.p50Minutes), "p90": minutes(total.firstResponse.p90Minutes),
            "within": total.firstResponse.withinTarget.map { MoneyFormat.percent($0) } ?? "—",
            "escalations": "\(total.escalations)", "dead_actions": "\(total.deadActions)",
            "hours": figure(total.hoursTakenOver.hours),
            "agents": total.tasksPerAgent.keys.sorted().map { ["id": $0, "tasks": "\(total.tasksPerAgent[$0] ?? 0)"] },
            "has_books": books != nil, "chased": "\(books?.invoicesChased ?? 0)", "paid": "\(books?.invoicesPaid ?? 0)",
            "days_to_payment": books.map {
                $0.daysToPayment.sample == 0
                    ? "none paid with an issue date"
                    : "\(figure($0.daysToPayment.p50Minutes)) days (median of \($0.daysToPayment.sample))"
            } ?? "",
        ]
        return values
    }
}
