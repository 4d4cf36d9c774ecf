import Blueprint
import Foundation

/// The email that tells the approver an approval waits, with a link to it on the dashboard. Sent
/// by the system itself (not an agent), to the approver's address: the rule's approver when it is
/// an address, else the address `connectors.email.settings.people` gives that role
/// (e.g. `people: {owner: dana@bowriver.example}`). The link starts with
/// `connectors.forms.settings.public_url`, else `http://` and the intake's `listen` address.
struct ApprovalNotice {
    /// Who sends these, in the outbox and the audit log.
    static let sender = "baton"
    /// Their action: an email, but not one to the lead (first-contact rules and response times
    /// count only `email.send`).
    static let action: ActionKind = "notice.send"

    let blueprint: Blueprint

    /// The address that approves for `approver`, if one is known.
    func address(of approver: String) -> String? {
        if approver.contains("@") { return approver }
        if case .map(let people) = blueprint.connectors.email.settings["people"],
            let address = people[approver]?.string,
            address.contains("@")
        {
            return address
        }
        return nil
    }

    /// The dashboard link to approval `id`: the page that starts with it (the dashboard pages by id,
    /// newest first), so an approval older than the newest page is still one click away.
    func link(to id: Int64) -> String {
        dashboard + "?after=\(id + 1)#approval-\(id)"
    }

    /// The dashboard's approvals page.
    var dashboard: String {
        let forms = blueprint.connectors.forms.settings
        let base =
            forms["public_url"]?.string ?? forms["listen"]?.string.map { "http://\($0)" } ?? "http://127.0.0.1:8080"
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/approvals"
    }

    /// The email's payload for approval `id`.
    func email(to address: String, id: Int64, agent: String, action: ActionKind, reason: String, caseID: String)
        -> [String: String]
    {
        [
            "to": address, "subject": "Waiting for you: \(agent) wants \(action) (#\(id))",
            "body":
                "\(agent) wants to \(action) in case \(caseID).\nWhy: \(reason)\n\nApprove, change or reject it here: \(link(to: id))\n\n\(blueprint.business.name) · Baton",
        ]
    }
}

extension ApprovalNotice {
    /// The email that reminds the approver of approval `id`, unanswered after `waited`.
    func reminder(to address: String, id: Int64, agent: String, action: ActionKind, caseID: String, waited: String)
        -> [String: String]
    {
        [
            "to": address, "subject": "Reminder: \(agent) still waits for you on \(action) (#\(id))",
            "body":
                "\(agent) has waited \(waited) for your answer on \(action) in case \(caseID).\n\nApprove, change or reject it here: \(link(to: id))\n\n\(blueprint.business.name) · Baton",
        ]
    }

    /// The email that escalates approval `id` to someone else after `approver` did not answer.
    func escalation(
        to address: String, id: Int64, agent: String, action: ActionKind, caseID: String, approver: String,
        waited: String
    ) -> [String: String] {
        [
            "to": address, "subject": "Escalated to you: \(agent) wants \(action) (#\(id))",
            "body":
                "\(agent) wants to \(action) in case \(caseID) and has waited \(waited); \(approver) was asked and reminded and has not answered.\n\nApprove, change or reject it here: \(link(to: id))\n\n\(blueprint.business.name) · Baton",
        ]
    }
}

/// What an approval's timeout does next, decided from the approval's own columns (never from the
/// audit log) and the time: a pure function of the approval, its rule and `now`.
///
/// - `remind`: once `after` has passed, the approver is reminded, once.
/// - `escalate`: once `after` has passed, the approver is reminded; once another `after` has
///   passed since the reminder, the approval is escalated to the rule's `to` (the owner unless
///   said), once. The approval keeps waiting for whoever answers first.
/// - `reject`: once `after` has passed, the approval is closed as rejected.
enum TimeoutStep: Equatable, Sendable {
    case remind(approver: String)
    case escalate(to: String)
    case reject

    /// The idempotency key of the notice this step sends: one per approval and step.
    func key(for id: Int64) -> String? {
        switch self {
        case .remind: return "timeout-\(id)-remind"
        case .escalate: return "timeout-\(id)-escalate"
        case .reject: return nil
        }
    }

    /// The step due for `approval` under `rule` at `now`, if any.
    static func due(_ approval: ApprovalRecord, rule: ApprovalRule, now: Date) -> TimeoutStep? {
        guard approval.status == .pending, let after = rule.timeout.after.seconds else { return nil }
        guard now.timeIntervalSince(approval.createdAt) >= after else { return nil }
        switch rule.timeout.then {
        case .reject:
            return .reject
        case .remind:
            return approval.remindedAt == nil ? .remind(approver: rule.approver) : nil
        case .escalate:
            guard let remindedAt = approval.remindedAt else { return .remind(approver: rule.approver) }
            guard approval.escalatedAt == nil, now.timeIntervalSince(remindedAt) >= after else { return nil }
            return .escalate(to: rule.timeout.to ?? "owner")
        default:
            return nil
        }
    }
}
