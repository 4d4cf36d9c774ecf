import Foundation
import Scoring

/// The report's next steps: specific to the business (its first workflow by name, the baseline to
/// measure and for how long), dated from the assessment date, and saying who decides. A business
/// that is not ready yet is given its readiness steps, never a build kickoff.
struct NextSteps {
    let result: AssessmentResult
    /// The assessment's date, from which every step's date counts.
    let date: Date

    private var r: AssessmentResult { result }

    func steps() -> [String] {
        var steps: [String] = []
        let first = r.opportunities.first(where: \.inPlan) ?? r.opportunities.max { $0.hoursPerWeek < $1.hoursPerWeek }
        let workflow = first.map { Wording.inSentence($0.label) } ?? "the workflow that costs most"
        let failed = r.readiness.checks.filter { !$0.passed }
        // A vague goal first, as the readiness score says; then the other readiness actions.
        let ordered =
            failed.filter { $0.id == "specific_target" } + failed.filter { $0.id != "specific_target" }
        for check in ordered {
            guard let action = check.action else { continue }
            if check.id == "measured_baseline" {
                steps.append("By \(day(14)): \(measure(workflow, first))")
            } else {
                steps.append("By \(day(7)): \(action).")
            }
        }
        if !failed.contains(where: { $0.id == "measured_baseline" }) && r.plan.agents.isEmpty {
            steps.append("By \(day(14)): \(measure(workflow, first))")
        }
        if let agent = r.plan.agents.first, r.readiness.level != "not_yet" {
            let goLive = Int(NSDecimalNumber(decimal: r.timeline.goLiveWeek).doubleValue.rounded(.up))
            steps.append(
                "By \(day(failed.isEmpty ? 7 : 21)): \(decider) whether to go ahead with the \(Wording.inSentence(agent.name)) for \(workflow), in the \(r.plan.tierName) tier. If yes, the build starts the week after, and the agents go live about \(day(21 + goLive * 7))."
            )
            steps.append(
                "From go-live: compare the measured figures with the baseline in \"Baseline and actual\" every week for the first month."
            )
        } else if r.plan.agents.isEmpty {
            steps.append(
                "By \(day(21)): \(decider) whether any workflow is worth automating, after scoring the assessment again with the measured figures."
            )
        } else {
            steps.append(
                "By \(day(42)): once the steps above are done, score the assessment again; then \(decider.prefix(1).lowercased() + decider.dropFirst()) whether to start with the \(Wording.inSentence(r.plan.agents[0].name)) for \(workflow)."
            )
        }
        return steps
    }

    /// Who decides, from who would own the system.
    private var decider: String {
        switch r.business.systemOwner {
        case "owner": return "You (the owner) decide"
        case "staff": return "You and the member of staff who will own the system decide"
        default: return "You decide, with the person you name as the system's owner,"
        }
    }

    private func measure(_ workflow: String, _ o: Opportunity?) -> String {
        let lead = o?.revenueEffectPerYear != nil ? " and how long each new lead waits for a first reply" : ""
        return
            "measure \(workflow) for two weeks (hours a week\(lead), how many, how often something is redone) in a simple log or from your system's timestamps, so the gain can be shown."
    }

    /// The date `days` after the assessment, as the report writes dates.
    private func day(_ days: Int) -> String {
        ReportContext.formatDate(date.addingTimeInterval(Double(days) * 86_400))
    }
}
