/// Generates plausible, varied business profiles from a seed: the input of the property tests
/// and of `baton-bench score`. The same seed gives the same profiles.
public struct ProfileGenerator: Sendable {
    private var generator: SeededGenerator
    /// A second stream for what was added later (a named workflow, the smallest budgets), so that
    /// the rest of every profile stays what the same seed always gave.
    private var extras: SeededGenerator
    private let workflowTypes: [String]
    private let customKinds: [String]

    /// Names a prospect might give a workflow the list does not have, hostile ones included: other
    /// scripts, emoji, markup, quotes, a name that is all spaces around a word, a long one.
    static let customNames = [
        "Insurance claims", "Showing feedback", "Warranty repairs", "Permis de construire",
        "Reclamaciones de seguros", "مطالبات التأمين", "ביטוח ותביעות", "保険請求", "बीमा दावे", "Claims 🦷 follow-up",
        "<b>Claims</b> & \"quotes\"", "{{ item }} intake", "  Padded name  ", "R&D tax credits",
        String(repeating: "Very long workflow name ", count: 8),
    ]

    /// - Parameters:
    ///   - workflowTypes: the types to draw workflows from (the parameters' keys).
    ///   - customKinds: the kinds of work a named ("something else") workflow may be; about one
    ///     profile in three gets one. Empty for none. About two profiles in seven have a budget
    ///     below the smallest build (nothing set aside, or under $5,000).
    public init(
        seed: UInt64, workflowTypes: [String],
        customKinds: [String] = ["applying_expertise", "collecting_data", "processing_data", "stakeholder_interaction"]
    ) {
        generator = SeededGenerator(seed: seed)
        extras = SeededGenerator(seed: seed ^ 0x5EED_0F_0DD_B0D6E7)
        self.workflowTypes = workflowTypes.sorted()
        self.customKinds = customKinds
    }

    private mutating func pick<T>(_ items: [T]) -> T {
        items[Int(generator.next() % UInt64(items.count))]
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(generator.next() % UInt64(range.count))
    }

    private mutating func extra<T>(_ items: [T]) -> T {
        items[Int(extras.next() % UInt64(items.count))]
    }

    /// The workflow that hurts most: the named one half the time it exists. The listed pick is
    /// drawn either way, so that the main stream stays as it was.
    private mutating func pain(listed: String?, named: String?) -> String? {
        guard let named else { return listed }
        return listed == nil || extra([true, false]) ? named : listed
    }

    /// `first` when there is one, else `otherwise` (drawn either way, unlike `??`).
    private static func either(_ first: String?, _ otherwise: String) -> String { first ?? otherwise }

    /// The next profile.
    public mutating func next() -> BusinessProfile {
        let team = int(1...40)
        var types = workflowTypes
        var chosen: [String] = []
        for _ in 0..<int(0...5) where !types.isEmpty {
            chosen.append(types.remove(at: int(0...(types.count - 1))))
        }
        var workflows = chosen.map { type in
            WorkflowAnswers(
                type: type, hoursPerWeek: Double(int(0...60)) / 2, people: int(1...min(team, 6)),
                repeatable: int(1...5),
                ruleBased: int(1...5), inputFormat: pick(["paper", "unstructured", "structured"]),
                toolsTouched: int(1...8),
                errorRate: pick(["rare", "sometimes", "often"]), volumePerWeek: Double(int(0...500)))
        }
        if !customKinds.isEmpty && extra([true, false, false]) {
            workflows.append(
                WorkflowAnswers(
                    type: WorkflowAnswers.customType, hoursPerWeek: Double(extra(Array(0...60))) / 2,
                    people: extra(Array(1...min(team, 6))), repeatable: extra(Array(1...5)),
                    ruleBased: extra(Array(1...5)), inputFormat: extra(["paper", "unstructured", "structured"]),
                    toolsTouched: extra(Array(1...8)), errorRate: extra(["rare", "sometimes", "often"]),
                    volumePerWeek: Double(extra(Array(0...500))), name: extra(Self.customNames),
                    kind: extra(customKinds)))
        }
        let named = workflows.last.flatMap { $0.isCustom ? $0 : nil }
        let hasLeads = chosen.contains("lead_intake") || chosen.contains("follow_up")
        let smallBudget = extra(["none", "under_5k", nil, nil, nil, nil, nil] as [String?])
        return BusinessProfile(
            name: "Generated \(generator.next() % 100_000)", industry: "other", region: "ontario",
            timeZone: "America/Toronto",
            currency: "CAD", teamSize: team, ownerHourly: Double(int(30...200)), staffHourly: Double(int(20...90)),
            toolsUsed: Array(["crm", "email", "calendar", "accounting", "web_forms", "phone"].prefix(int(0...6))),
            cloudTools: pick([true, false, nil]), workflows: workflows,
            leads: hasLeads
                ? LeadFigures(
                    perWeek: Double(int(0...200)), responseMinutes: Double(pick([2, 15, 45, 240, 2880, 10080])),
                    closeRate: Double(int(1...80)) / 100, dealValue: Double(int(100...50_000)))
                : nil,
            biggestPain: pain(listed: chosen.isEmpty ? nil : pick(chosen), named: named?.type),
            target: pick(["be more efficient", "reply within 5 minutes"]),
            baselineMeasured: pick([true, false]),
            budget: Self.either(smallBudget, pick(["under_10k", "10k_25k", "25k_50k", "over_50k", "unsure"])),
            processesDocumented: pick(["none", "some", "most"]), dataQuality: int(1...5),
            systemOwner: pick(["owner", "staff", "nobody"]), approvalActions: ["contracts", "payments"])
    }
}
