/// The orchestrator's built-in skills: the scopes each one uses and the actions it may propose.
/// A skill receives only the tools its agent's permissions allow; this is what validation checks
/// blueprints against.
public enum SkillCatalog {
    public struct Skill: Sendable {
        public let name: String
        /// Scopes the skill can make use of.
        public let scopes: [String]
        /// Actions it may propose, each needing a scope (see ``actions``).
        public let actions: [String]
    }

    public static let skills: [Skill] = [
        Skill(
            name: "lead_qualification",
            scopes: ["crm.read", "crm.write:lead_score", "email.draft", "email.send", "calendar.read"],
            actions: ["email.send", "crm.update"]),
        Skill(
            name: "follow_up_drafting", scopes: ["crm.read", "email.draft", "email.send", "calendar.read"],
            actions: ["email.send", "discount.offer", "contract.send"]),
        Skill(
            name: "scheduling", scopes: ["calendar.read", "calendar.book", "email.send"],
            actions: ["calendar.book", "email.send"]),
        Skill(
            name: "support_triage", scopes: ["crm.read", "email.read", "email.draft", "email.send", "refunds.issue"],
            actions: ["email.send", "complaint.reply", "refund.issue"]),
        Skill(
            name: "invoice_reminders",
            scopes: ["accounting.read", "accounting.write:invoice", "email.send", "payments.commit"],
            actions: ["invoice.send", "email.send", "payment.commit"]),
        Skill(
            name: "bookkeeping", scopes: ["accounting.read", "accounting.write:transaction", "email.read"],
            actions: ["transaction.record", "payment.commit"]),
        Skill(
            name: "reporting", scopes: ["crm.read", "accounting.read", "email.draft", "email.send"],
            actions: ["email.send"]),
        Skill(name: "content_drafting", scopes: ["content.draft", "content.schedule"], actions: ["content.publish"]),
        Skill(
            name: "onboarding",
            scopes: ["crm.read", "crm.write:client", "email.send", "projects.write", "contracts.send"],
            actions: ["email.send", "crm.update", "contract.send"]),
    ]

    /// Every action an agent may propose, with the scope it needs. A scope without a qualifier,
    /// such as `crm.write`, is met by any qualified one (`crm.write:lead_score`); see ``allows(_:_:)``.
    public static let actions: [String: String] = [
        "email.send": "email.send", "crm.update": "crm.write", "calendar.book": "calendar.book",
        "discount.offer": "email.send",
        "contract.send": "contracts.send", "complaint.reply": "email.send", "refund.issue": "refunds.issue",
        "invoice.send": "accounting.write:invoice", "payment.commit": "payments.commit",
        "transaction.record": "accounting.write:transaction",
        "content.publish": "content.schedule",
    ]

    /// Actions that always wait for a person: contracts, money, refunds and complaint replies.
    public static let highStakes: Set<String> = ["contract.send", "payment.commit", "refund.issue", "complaint.reply"]

    /// Conditions an approval rule may name in `when`.
    public static let approvalConditions = ["always", "change_or_cancel", "first_contact"]

    /// Whether `permissions` grant the scope `action` needs; false for an unknown action.
    public static func allows(_ permissions: [String], _ action: String) -> Bool {
        guard let scope = actions[action] else { return false }
        return permissions.contains { $0 == scope || $0.hasPrefix(scope + ":") }
    }

    /// Every scope a permission may name.
    public static var scopes: [String] {
        Array(Set(skills.flatMap(\.scopes))).sorted()
    }

    public static func skill(_ name: String) -> Skill? {
        skills.first { $0.name == name }
    }
}
