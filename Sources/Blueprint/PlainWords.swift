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

    static let actions: [String: String] = [
        "email.send": "sending emails", "crm.update": "updating the CRM", "calendar.book": "booking appointments",
        "discount.offer": "offering discounts", "contract.send": "sending contracts and quotes",
        "complaint.reply": "replying to complaints",
        "refund.issue": "issuing refunds and credits", "invoice.send": "sending invoices",
        "payment.commit": "committing money or making payments",
        "transaction.record": "recording transactions", "content.publish": "publishing posts",
    ]

    static let conditions: [String: String] = [
        "always": "always", "first_contact": "for the first email to a new lead",
        "change_or_cancel": "when moving or cancelling",
    ]

    /// `crm.write:lead_score` → "update lead scores in the CRM".
    public static func scope(_ scope: String) -> String { scopes[scope] ?? scope }

    /// `refund.issue` → "issuing refunds and credits".
    public static func action(_ action: String) -> String { actions[action] ?? action }

    /// `first_contact` → "for the first email to a new lead"; other conditions as written.
    public static func condition(_ when: String) -> String { conditions[when] ?? "when \(when)" }

    /// The high-stakes actions an agent can never take, given its skill and its scopes.
    public static func neverAlone(_ agent: Agent) -> [String] {
        let skillActions = SkillCatalog.skill(agent.skill)?.actions ?? []
        return SkillCatalog.highStakes.sorted().filter { action in
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
