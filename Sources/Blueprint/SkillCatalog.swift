/// The orchestrator's built-in skills: the scopes each one uses and the actions it may propose.
/// A skill receives only the tools its agent's permissions allow; this is what validation checks
/// blueprints against.
public enum SkillCatalog {
    public struct Skill: Sendable {
        public let name: String
        /// Scopes the skill can make use of.
        public let scopes: [String]
        /// Actions it may propose, each needing a scope (see ``actions``).
        public let actions: [ActionKind]
    }

    public static let skills: [Skill] = [
        Skill(
            name: "lead_qualification",
            scopes: ["crm.read", "crm.write:lead_score", "email.draft", "email.send", "calendar.read"],
            actions: [.emailSend, .crmUpdate]),
        Skill(
            name: "follow_up_drafting", scopes: ["crm.read", "email.draft", "email.send", "calendar.read"],
            actions: [.emailSend, .discountOffer, .contractSend]),
        Skill(
            name: "scheduling", scopes: ["calendar.read", "calendar.book", "email.send"],
            actions: [.calendarBook, .emailSend]),
        Skill(
            name: "support_triage", scopes: ["crm.read", "email.read", "email.draft", "email.send", "refunds.issue"],
            actions: [.emailSend, .complaintReply, .refundIssue]),
        Skill(
            name: "invoice_reminders",
            scopes: ["accounting.read", "accounting.write:invoice", "email.send", "payments.commit"],
            actions: [.invoiceSend, .emailSend, .paymentCommit]),
        Skill(
            name: "bookkeeping", scopes: ["accounting.read", "accounting.write:transaction", "email.read"],
            actions: [.transactionRecord, .paymentCommit]),
        Skill(
            name: "reporting", scopes: ["crm.read", "accounting.read", "email.draft", "email.send"],
            actions: [.emailSend]),
        Skill(name: "content_drafting", scopes: ["content.draft", "content.schedule"], actions: [.contentPublish]),
        Skill(
            name: "onboarding",
            scopes: ["crm.read", "crm.write:client", "email.send", "projects.write", "contracts.send"],
            actions: [.emailSend, .crmUpdate, .contractSend]),
    ]

    /// Every action an agent may propose, with the scope it needs. A scope without a qualifier,
    /// such as `crm.write`, is met by any qualified one (`crm.write:lead_score`); see ``allows(_:_:)``.
    public static let actions: [ActionKind: String] = [
        .emailSend: "email.send", .crmUpdate: "crm.write", .calendarBook: "calendar.book",
        .discountOffer: "email.send",
        .contractSend: "contracts.send", .complaintReply: "email.send", .refundIssue: "refunds.issue",
        .invoiceSend: "accounting.write:invoice", .paymentCommit: "payments.commit",
        .transactionRecord: "accounting.write:transaction",
        .contentPublish: "content.schedule",
    ]

    /// Whether `permissions` grant the scope `action` needs; false for an unknown action.
    public static func allows(_ permissions: [String], _ action: ActionKind) -> Bool {
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
