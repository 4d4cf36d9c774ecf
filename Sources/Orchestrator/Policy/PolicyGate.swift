import Blueprint

/// Decides every proposed action against the agent's scopes and the approval rules. Pure.
/// Nothing in an event's payload can widen what an agent may do: only the blueprint does.
public struct PolicyGate: Sendable {
    public enum Decision: Sendable, Equatable {
        case allow
        case deny(String)
        case needsApproval(ApprovalRule)
    }

    public let blueprint: Blueprint

    public init(blueprint: Blueprint) {
        self.blueprint = blueprint
    }

    /// - Parameter firstContact: whether this would be the case's first email to the lead.
    public func decide(_ action: ProposedAction, by agent: Agent, firstContact: Bool) -> Decision {
        guard let scope = SkillCatalog.actions[action.kind] else {
            return .deny("unknown action '\(action.kind)'")
        }
        guard agent.permissions.contains(scope) else {
            return .deny("'\(action.kind)' needs '\(scope)', which \(agent.id) does not have")
        }
        for rule in blueprint.approvals where rule.action == action.kind {
            switch rule.when {
            case "always": return .needsApproval(rule)
            case "first_contact" where firstContact: return .needsApproval(rule)
            default: continue
            }
        }
        return .allow
    }
}
