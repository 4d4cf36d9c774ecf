/// Scopes and actions in words a business owner reads, for explanations and reports.
public enum PlainWords {
    static let scopes: [String: String] = [
        "crm.read": "read the CRM", "crm.write:lead_score": "update lead scores in the CRM",
        "crm.write:client": "create client records in the CRM",
        "email.draft": "draft emails", "email.send": "send emails", "email.read": "read the shared inbox",
        "calendar.read": "read the calendar", "calendar.book": "book appointments",
        "accounting.read": "read the accounts", "accounting.write:invoice": "raise invoices",
        "accounting.write:transaction": "record transactions",
        "payments.commit": "commit payments", "refunds.issue": "issue refunds", "contracts.send": "send contracts",
        "content.draft": "draft posts", "content.schedule": "schedule approved posts",
        "projects.write": "create project tasks",
    ]

    static let actions: [ActionKind: String] = [
        .emailSend: "sending emails", .crmUpdate: "updating the CRM", .calendarBook: "booking appointments",
        .discountOffer: "offering discounts", .contractSend: "sending contracts and quotes",
        .complaintReply: "replying to complaints",
        .refundIssue: "issuing refunds and credits", .invoiceSend: "sending invoices",
        .paymentCommit: "committing money or making payments",
        .transactionRecord: "recording transactions", .contentPublish: "publishing posts",
    ]

    /// `crm.write:lead_score` → "update lead scores in the CRM".
    public static func scope(_ scope: String) -> String { scopes[scope] ?? scope }

    /// `refund.issue` → "issuing refunds and credits".
    public static func action(_ action: ActionKind) -> String { actions[action] ?? action.rawValue }

    /// `first_contact` → "for the first email to a new lead"; other conditions as written.
    public static func condition(_ when: ApprovalCondition) -> String {
        switch when {
        case .always: "always"
        case .firstContact: "for the first email to a new lead"
        case .changeOrCancel: "when moving or cancelling"
        case .unknown(let text): "when \(text)"
        }
    }

    /// The high-stakes actions an agent can never take, given its skill and its scopes.
    public static func neverAlone(_ agent: Agent) -> [ActionKind] {
        let skillActions = SkillCatalog.skill(agent.skill)?.actions ?? []
        return ActionKind.highStakes.filter { action in
            !(skillActions.contains(action) && SkillCatalog.allows(agent.permissions, action))
        }
    }

    /// The approval rules that concern what this agent can do.
    public static func rules(for agent: Agent, in blueprint: Blueprint) -> [ApprovalRule] {
        let skillActions = SkillCatalog.skill(agent.skill)?.actions ?? []
        return blueprint.approvals.filter { rule in
            skillActions.contains(rule.action)
                && SkillCatalog.allows(agent.permissions, rule.action)
        }
    }
}
