import Foundation
import Scoring

/// The report's next steps: specific to the business (its first workflow by name, the baseline to
/// measure and for how long), dated from the assessment date, in date order, and saying who
/// decides. A business that is not ready, or whose plan is over its budget, is given what to do
/// first and a budget to agree, never a go-ahead.
struct NextSteps {
    let result: AssessmentResult
    /// The assessment's date, from which every step's date counts.
    let date: Date

    private var r: AssessmentResult { result }

    /// Days a measurement runs, and so the soonest a measuring step can be due.
    static let measuringDays = 14

    func steps() -> [String] {
        var steps: [(day: Int, text: String)] = []
        let first = r.opportunities.first(where: \.inPlan) ?? r.opportunities.max { $0.hoursPerWeek < $1.hoursPerWeek }
        let workflow = first.map(Wording.inSentence) ?? "the workflow that costs most"
        let failed = r.readiness.checks.filter { !$0.passed }
        // Finding a workflow worth 10 hours and measuring a baseline are both two weeks of logging:
        // one step (the readiness table says how to find the workflow).
        let measuring = failed.contains { $0.id == "measured_baseline" || $0.id == "named_workflow" }
        for check in failed where check.id != "measured_baseline" && check.id != "named_workflow" {
            guard let action = check.action else { continue }
            steps.append((7, "\(action)."))
        }
        if measuring || r.plan.agents.isEmpty || r.plan.overBudget {
            steps.append((Self.measuringDays, Self.sentenceCase(measure(workflow, first))))
        }
        let waits = r.readiness.level == "not_yet" || !steps.isEmpty
        let decisionDay = waits ? Self.measuringDays + 7 : 7
        if r.plan.agents.isEmpty {
            steps.append(
                (decisionDay, "\(decider) whether any workflow is worth automating, after scoring the assessment again with the measured figures.")
            )
        } else if r.plan.overBudget {
            steps.append(
                (decisionDay, "\(decider) on a first-year budget of about \(money(r.cost.firstYearInvestment.value)) for the \(Wording.inSentence(r.plan.agents[0].name)), or to phase it; the plan is over the budget given, so nothing should be built before that.")
            )
        } else if r.readiness.level == "not_yet" {
            steps.append(
                (Self.measuringDays + 28, "Once the steps above are done, score the assessment again; then \(Self.lowerFirst(decider)) whether to start with the \(Wording.inSentence(r.plan.agents[0].name)) for \(workflow).")
            )
        } else {
            let agent = r.plan.agents[0]
            // The build starts the week after the decision; go-live is the timeline's, less the
            // assessment already done.
            let assessed = r.timeline.phases.first { $0.name == "Assessment" }.map { double($0.weeks) } ?? 0
            let goLive = decisionDay + 7 + Int(((double(r.timeline.goLiveWeek) - assessed) * 7).rounded(.up))
            let subject = r.plan.agents.count == 1 ? "the agent goes" : "the agents go"
            steps.append(
                (decisionDay, "\(decider) whether to go ahead with the \(Wording.inSentence(agent.name)) for \(workflow), in the \(r.plan.tierName) tier. If yes, the build starts the week after, and \(subject) live about \(day(goLive)).")
            )
            steps.append(
                (goLive, "From go-live: compare the measured figures with the baseline in \"Baseline and actual\" every week for the first month.")
            )
        }
        // In date order; steps due the same day keep the order they were written in.
        return steps.enumerated().sorted { ($0.element.day, $0.offset) < ($1.element.day, $1.offset) }.map {
            $0.element.text.hasPrefix("From go-live") ? $0.element.text : "By \(day($0.element.day)): \($0.element.text)"
        }
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

    private func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }

    private func money(_ d: Decimal) -> String {
        MoneyFormat.money(double(d), MoneyStyle(currency: r.business.currency, region: r.business.region))
    }

    /// The date `days` after the assessment, as the report writes dates.
    private func day(_ days: Int) -> String {
        ReportContext.formatDate(date.addingTimeInterval(Double(days) * 86_400))
    }

    static func sentenceCase(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
    static func lowerFirst(_ text: String) -> String { text.prefix(1).lowercased() + text.dropFirst() }
}
