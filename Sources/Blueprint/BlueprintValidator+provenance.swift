import Foundation
import Outcomes

/// What the validator checks of what a blueprint was built from and of its KPIs' baselines: a
/// fingerprint and a day that read, and figures a review can compare (finite numbers, an
/// estimate naming an agent of the blueprint with a positive time per task and its source).
extension BlueprintValidator {
    static func provenanceProblems(_ b: Blueprint) -> [(path: [String], message: String, hint: String)] {
        var problems: [(path: [String], message: String, hint: String)] = []
        if let p = b.provenance {
            if p.answersFingerprint.range(of: Provenance.fingerprintPattern, options: .regularExpression) == nil {
                problems.append(
                    (
                        ["provenance", "answers_fingerprint"], "'\(p.answersFingerprint)' is not a fingerprint",
                        "sha256: and 64 lower-case hex digits, as `baton blueprint ID` writes it"
                    ))
            }
            if !Provenance.isDay(p.date) {
                problems.append((["provenance", "date"], "'\(p.date)' is not a day", "write YYYY-MM-DD"))
            }
            if p.assessmentID < 1 {
                problems.append(
                    (["provenance", "assessment_id"], "assessment id \(p.assessmentID) is not one", "see `baton list`"))
            }
        }
        let agents = Set(b.agents.map(\.id))
        for (i, kpi) in b.kpis.enumerated() {
            let path = ["kpis", "\(i)"]
            for (key, value) in [("baseline", kpi.baseline), ("target", kpi.target)] where !value.isFinite {
                problems.append((path + [key], "the \(key) of '\(kpi.id)' is not a number", "write a number"))
            }
            guard let estimate = kpi.estimate else { continue }
            if !agents.contains(estimate.agent) {
                problems.append(
                    (
                        path + ["estimate", "agent"], "no agent '\(estimate.agent)' to count the tasks of",
                        "name one of: \(agents.sorted().joined(separator: ", "))"
                    ))
            }
            if !(estimate.minutesPerTask > 0 && estimate.minutesPerTask <= 1440) {
                problems.append(
                    (
                        path + ["estimate", "minutes_per_task"],
                        "\(estimate.minutesPerTask) minutes a task is not a time a task takes", "between 0 and 1440"
                    ))
            }
            if estimate.source.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append(
                    (path + ["estimate", "source"], "the estimate has no source", "say where the minutes come from"))
            }
        }
        return problems
    }
}
