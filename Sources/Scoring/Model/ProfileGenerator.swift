/// Generates plausible, varied business profiles from a seed: the input of the property tests
/// and of `baton-bench score`. The same seed gives the same profiles.
public struct ProfileGenerator: Sendable {
    private var generator: SeededGenerator
    private let workflowTypes: [String]

    /// - Parameter workflowTypes: the types to draw workflows from (the parameters' keys).
    public init(seed: UInt64, workflowTypes: [String]) {
        generator = SeededGenerator(seed: seed)
        self.workflowTypes = workflowTypes.sorted()
    }

    private mutating func pick<T>(_ items: [T]) -> T {
        items[Int(generator.next() % UInt64(items.count))]
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(generator.next() % UInt64(range.count))
    }

    /// The next profile.
    public mutating func next() -> BusinessProfile {
        let team = int(1...40)
        var types = workflowTypes
        var chosen: [String] = []
        for _ in 0..<int(0...5) where !types.isEmpty {
            chosen.append(types.remove(at: int(0...(types.count - 1))))
        }
        let workflows = chosen.map { type in
            WorkflowAnswers(
                type: type, hoursPerWeek: Double(int(0...60)) / 2, people: int(1...min(team, 6)),
                repeatable: int(1...5),
                ruleBased: int(1...5), inputFormat: pick(["paper", "unstructured", "structured"]),
                toolsTouched: int(1...8),
                errorRate: pick(["rare", "sometimes", "often"]), volumePerWeek: Double(int(0...500)))
        }
        let hasLeads = chosen.contains("lead_intake") || chosen.contains("follow_up")
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
            biggestPain: chosen.isEmpty ? nil : pick(chosen),
            target: pick(["be more efficient", "reply within 5 minutes"]),
            baselineMeasured: pick([true, false]),
            budget: pick(["under_10k", "10k_25k", "25k_50k", "over_50k", "unsure"]),
            processesDocumented: pick(["none", "some", "most"]), dataQuality: int(1...5),
            systemOwner: pick(["owner", "staff", "nobody"]), approvalActions: ["contracts", "payments"])
    }
}
