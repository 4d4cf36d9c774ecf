import Foundation
import Outcomes

/// The assessment on the evidence: the self-reported figures the running system has measured,
/// put in their place, and the assessment scored again. Only what was measured with enough
/// leads replaces an answer; the rest stays as answered, and the review says which is which.
public struct Evidence: Sendable {
    /// One answer and the figure measured in its place.
    public struct Replacement: Sendable, Equatable {
        public let what: String
        public let answered: String
        public let measured: String
    }

    /// Leads a week measured (spam left out), when there were enough to say.
    public let leadsPerWeek: Double?
    /// The share of leads answered within the target, when there were enough to say.
    public let replyShare: Double?
    public let replacements: [Replacement]

    /// What `snapshot` says in place of `profile`'s answers.
    public init(_ snapshot: KPISnapshot, profile: BusinessProfile) {
        let total = snapshot.total
        let owed = total.leads.received - total.leads.spam
        let sure = total.firstResponse.confidence != .tooFew
        let weeks = Double(max(1, snapshot.period.days)) / 7
        var replacements: [Replacement] = []
        var perWeek: Double?
        var share: Double?
        if let leads = profile.leads, sure {
            let measured = Double(owed) / weeks
            perWeek = measured
            replacements.append(
                Replacement(
                    what: "Leads a week", answered: MoneyFormat.figure(leads.perWeek, places: 1),
                    measured: MoneyFormat.figure(measured, places: 1)))
            if let within = total.firstResponse.withinTarget {
                share = within
                let target = total.firstResponse.targetMinutes.map { MoneyFormat.duration(minutes: $0) } ?? "the target"
                replacements.append(
                    Replacement(
                        what: "Leads answered within \(target)", answered: "all (assumed)",
                        measured: MoneyFormat.percent(within)))
            }
        }
        leadsPerWeek = perWeek
        replyShare = share
        self.replacements = replacements
    }

    /// Scores `profile` with the measured figures in place of the answers, keeping `overrides`.
    /// - Returns: `nil` when nothing measured could replace an answer.
    public func rescore(_ profile: BusinessProfile, with scorer: Scorer, overrides: [String: String]) throws
        -> AssessmentResult?
    {
        guard !replacements.isEmpty else { return nil }
        var measured = profile
        if let perWeek = leadsPerWeek, measured.leads != nil { measured.leads!.perWeek = perWeek }
        var pairs = overrides.keys.sorted().filter { $0 != "lead_reply_share" }.map { "\($0)=\(overrides[$0]!)" }
        if let replyShare { pairs.append("lead_reply_share=\(min(1, max(0, replyShare)))") }
        return try scorer.score(measured, overrides: try ScoringOverrides(parsing: pairs))
    }
}
