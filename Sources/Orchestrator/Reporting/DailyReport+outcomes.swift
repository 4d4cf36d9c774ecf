import Blueprint
import Foundation
import Outcomes

/// Each KPI of the blueprint against its baseline and target, as the day (or the week) measured it:
/// the owner sees progress every day, not only at the review (docs/outcomes.md says how each is
/// measured).
extension DailyReport {
    static func progressLines(_ kpis: KPIs, blueprint: Blueprint, span: Span) -> [String] {
        func number(_ v: Double) -> String {
            guard v.isFinite else { return "—" }
            let rounded = (v * 10).rounded() / 10
            return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int64(rounded)) : String(rounded)
        }
        func unit(_ kpi: KPI) -> String {
            kpi.unit == "hours/week" ? "h a week" : kpi.unit == "minutes" ? "min" : kpi.unit
        }
        return blueprint.kpis.map { kpi in
            let against = "baseline \(number(kpi.baseline)) \(unit(kpi)), target \(number(kpi.target)) \(unit(kpi))"
            /// A median of times over `count` items, or none in the period.
            func median(_ p50: Double?, over count: Int, _ item: (one: String, many: String)) -> String {
                guard let p50 else { return "\(kpi.name): no \(item.many) \(span.this) (\(against))" }
                let sure = count >= Confidence.minimumSample ? "" : ", too few to be sure"
                return
                    "\(kpi.name): median \(minutes(p50)) over \(count) \(count == 1 ? item.one : item.many)\(sure) (\(against))"
            }
            if kpi.id == "lead_first_response" {
                return median(
                    kpis.firstResponseP50Minutes, over: kpis.leadsReceived - kpis.leadsSpam, ("lead", "leads"))
            }
            if kpi.id == OutcomeSnapshot.inquiryKPI {
                return median(
                    kpis.inquiryFirstAnswerP50Minutes, over: kpis.inquiriesReceived, ("inquiry", "inquiries"))
            }
            guard let estimate = kpi.estimate else { return "\(kpi.name): not measured by the runtime (\(against))" }
            let tasks = kpis.tasksPerAgent[estimate.agent] ?? 0
            let hours = Double(tasks) * estimate.minutesPerTask / 60
            return
                "\(kpi.name): \(number(hours)) h taken over \(span.this), an estimate (\(tasks) task\(tasks == 1 ? "" : "s") of \(estimate.agent) × \(number(estimate.minutesPerTask)) min) (\(against))"
        }
    }
}
