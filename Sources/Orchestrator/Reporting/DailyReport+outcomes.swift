import Blueprint
import Foundation
import Outcomes

/// Each KPI of the blueprint against its baseline and target, as the day measured it: the owner
/// sees progress every day, not only at the review (docs/outcomes.md says how each is measured).
extension DailyReport {
    static func progressLines(_ kpis: KPIs, blueprint: Blueprint) -> [String] {
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
            if kpi.id == "lead_first_response" {
                let owed = kpis.leadsReceived - kpis.leadsSpam
                guard let p50 = kpis.firstResponseP50Minutes else { return "\(kpi.name): no leads today (\(against))" }
                let sure = owed >= Confidence.minimumSample ? "" : ", too few to be sure"
                return
                    "\(kpi.name): median \(minutes(p50)) over \(owed) lead\(owed == 1 ? "" : "s")\(sure) (\(against))"
            }
            guard let estimate = kpi.estimate else { return "\(kpi.name): not measured by the runtime (\(against))" }
            let tasks = kpis.tasksPerAgent[estimate.agent] ?? 0
            let hours = Double(tasks) * estimate.minutesPerTask / 60
            return
                "\(kpi.name): \(number(hours)) h taken over today, an estimate (\(tasks) task\(tasks == 1 ? "" : "s") of \(estimate.agent) × \(number(estimate.minutesPerTask)) min) (\(against))"
        }
    }
}
