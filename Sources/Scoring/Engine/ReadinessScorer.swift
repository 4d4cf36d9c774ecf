/// Readiness 0–100: the checks that separate projects that pay from those that do not.
struct ReadinessScorer {
    let parameters: ReadinessParameters
    let profile: BusinessProfile
    let labels: [String: String]

    func score() -> Readiness {
        let p = profile
        let painLabel = p.biggestPain.map { labels[$0] ?? $0 }
        let painHours = p.workflows.first { $0.type == p.biggestPain }?.hoursPerWeek ?? 0
        let threshold = Int(parameters.painHours)
        let specific = Self.isSpecific(p.target)
        // The largest workflow, when one is big enough, is the concrete place to start; otherwise
        // the step is to find one by measuring, not to name one that does not exist.
        let largest = p.workflows.max { a, b in
            a.hoursPerWeek != b.hoursPerWeek ? a.hoursPerWeek < b.hoursPerWeek : a.type > b.type
        }
        // An example goal in the business's own terms: the workflow that hurts most, halved.
        let goalExample =
            painHours > 0
            ? painLabel.map { label in
                "“\(label): from \(Figure.decimal(painHours, places: 1)) hours a week to \(Figure.decimal(painHours / 2, places: 1))”"
            } : nil
        let namedWorkflowAction: String
        if let largest, largest.hoursPerWeek >= parameters.painHours {
            namedWorkflowAction =
                "Start with \(Wording.inSentence(labels[largest.type] ?? largest.type, type: largest.type)), which takes \(formatHours(largest.hoursPerWeek)) a week: name it as the one workflow to fix first"
        } else {
            namedWorkflowAction =
                "No workflow described takes \(threshold) hours a week yet: for two weeks, log the time each one takes (a tally per day is enough), then start with the one that costs most"
        }
        let checks: [(id: String, passed: Bool, detail: String, action: String)] = [
            (
                "named_workflow", painHours >= parameters.painHours,
                painLabel.map { "\($0) takes \(formatHours(painHours)) a week" }
                    ?? "no single workflow was named as the one that hurts most",
                namedWorkflowAction
            ),
            (
                "describable_process", p.processesDocumented != "none",
                p.processesDocumented == "none"
                    ? "the steps live in people's heads" : "the steps are written down (\(p.processesDocumented))",
                "Write the steps of \(painLabel.map { Wording.inSentence($0, type: p.biggestPain ?? "") } ?? "that workflow") down as a checklist before any build"
            ),
            (
                "measured_baseline", p.baselineMeasured,
                p.baselineMeasured ? "today's figure is measured" : "today's figure is an estimate",
                "Measure today's figure for two weeks (CRM timestamps, a simple log) so the gain can be shown"
            ),
            (
                "specific_target", specific,
                specific ? "the target is a number: “\(p.target)”" : "the goal “\(p.target)” is vague",
                "Restate the goal as a number with a before and after, e.g. \(goalExample ?? "“invoices out the same day instead of at the end of the month”")"
            ),
            (
                "owner", p.systemOwner != "nobody",
                p.systemOwner == "nobody" ? "nobody would own the system yet" : "an owner is named (\(p.systemOwner))",
                "Name one person who owns the system day to day and reviews its daily report"
            ),
        ]
        var total = 0.0
        var results: [ReadinessCheck] = []
        for check in checks {
            let points = check.passed ? parameters.weights[check.id] ?? 0 : 0
            total += points
            results.append(
                ReadinessCheck(
                    id: check.id, passed: check.passed, points: Figure.decimal(points, places: 0), detail: check.detail,
                    action: check.passed ? nil : check.action))
        }
        let level = total >= parameters.ready ? "ready" : total >= parameters.almost ? "almost" : "not_yet"
        // A vague goal comes first: without a number nothing else can be shown to work.
        let firstFailure = results.first { $0.id == "specific_target" && !$0.passed } ?? results.first { !$0.passed }
        return Readiness(
            score: Figure.decimal(total, places: 0), level: level, checks: results, firstStep: firstFailure?.action)
    }

    /// A target is specific when it states at least one number, in digits or in words.
    static func isSpecific(_ target: String) -> Bool {
        if target.contains(where: \.isNumber) { return true }
        let words: Set<String> = [
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "fifteen",
            "twenty", "thirty",
            "forty", "fifty", "hundred", "half", "double", "twice",
        ]
        return target.lowercased().split { !$0.isLetter }.contains { words.contains(String($0)) }
    }

    private func formatHours(_ h: Double) -> String {
        "\(Figure.decimal(h, places: 1)) h"
    }
}
