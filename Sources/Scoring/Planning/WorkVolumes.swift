/// How much work a business answered it has a week, by workflow: what sizes each planned agent's
/// `limits.actions_per_hour` and fills its `expected_per_week`.
public struct WorkVolumes: Sendable, Equatable {
    /// Workflow type → times it happens a week (the workflow's `volume` answer).
    public var workflows: [String: Double]
    /// New leads a week (`leads_per_week`), when asked.
    public var leadsPerWeek: Double?
    /// Customer questions and complaints a week (`inquiries_per_week`), when asked.
    public var inquiriesPerWeek: Double?

    /// Workflows each of whose items is a new lead, and workflows whose items are customer
    /// questions or complaints: for these the dedicated answer counts when it is larger.
    static let leadWorkflows: Set<String> = ["lead_intake", "follow_up"]
    static let inquiryWorkflows: Set<String> = ["customer_inquiries", "complaints"]

    public init(workflows: [String: Double] = [:], leadsPerWeek: Double? = nil, inquiriesPerWeek: Double? = nil) {
        self.workflows = workflows
        self.leadsPerWeek = leadsPerWeek
        self.inquiriesPerWeek = inquiriesPerWeek
    }

    /// The volumes a business answered.
    public init(profile: BusinessProfile) {
        var workflows: [String: Double] = [:]
        for w in profile.workflows { workflows[w.type, default: 0] += max(0, w.volumePerWeek) }
        self.init(
            workflows: workflows, leadsPerWeek: profile.leads?.perWeek, inquiriesPerWeek: profile.inquiriesPerWeek)
    }

    /// Items a week an agent covering `types` handles, or `nil` when none of them was answered.
    ///
    /// Each workflow's own volume counts; a lead workflow counts at least the leads a week (every
    /// lead reaches the qualifier and then the follow-up), and the inquiry workflows together at
    /// least the inquiries a week (one answer covers questions and complaints).
    public func expectedPerWeek(covering types: [String]) -> Double? {
        let answered = types.filter { workflows[$0] != nil }
        guard !answered.isEmpty else { return nil }
        var total = 0.0
        let inquiries = answered.filter(Self.inquiryWorkflows.contains)
        if !inquiries.isEmpty {
            total += max(inquiries.reduce(0) { $0 + workflows[$1]! }, inquiriesPerWeek ?? 0)
        }
        for type in answered where !Self.inquiryWorkflows.contains(type) {
            let own = workflows[type]!
            total += Self.leadWorkflows.contains(type) ? max(own, leadsPerWeek ?? 0) : own
        }
        return total.isFinite ? total : nil
    }
}
