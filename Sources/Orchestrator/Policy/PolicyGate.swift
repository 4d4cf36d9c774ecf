import Blueprint

/// Decides every proposed action against the agent's scopes and the approval rules. Pure.
/// Nothing in an event's payload can widen what an agent may do: only the blueprint does. A
/// high-stakes action always waits for a person, whatever the rules say.
public struct PolicyGate: Sendable {
    public enum Decision: Sendable, Equatable {
        case allow
        case deny(String)
        case needsApproval(ApprovalRule)
    }

    public let blueprint: Blueprint

    /// The rule a high-stakes action gets when the blueprint names none: the owner, within a day.
    static func ownerApproval(of action: ActionKind) -> ApprovalRule {
        ApprovalRule(
            action: action, when: .always, approver: "owner", timeout: Timeout(after: "24h", then: "escalate"))
    }

    public init(blueprint: Blueprint) {
        self.blueprint = blueprint
    }

    /// - Parameter firstContact: whether this would be the case's first email to the lead.
    public func decide(_ action: ProposedAction, by agent: Agent, firstContact: Bool) -> Decision {
        guard let scope = action.kind.scope else {
            return .deny("unknown action '\(action.kind)'")
        }
        guard SkillCatalog.allows(agent.permissions, action.kind) else {
            return .deny("'\(action.kind)' needs '\(scope)', which \(agent.id) does not have")
        }
        for rule in blueprint.approvals where rule.action == action.kind {
            switch rule.when {
            case .always: return .needsApproval(rule)
            case .firstContact: if firstContact { return .needsApproval(rule) }
            case .changeOrCancel: if action.payload["change"] != nil { return .needsApproval(rule) }
            // A condition the gate cannot evaluate fails safe: a person decides.
            case .unknown: return .needsApproval(rule)
            }
        }
        // A high-stakes kind, or a message offering a discount, a payment plan or a write-off.
        // Or the agent itself asks for a person (its blueprint says so).
        if action.isHighStakes || action.waitsForPerson {
            return .needsApproval(Self.ownerApproval(of: action.kind))
        }
        return .allow
    }
}
