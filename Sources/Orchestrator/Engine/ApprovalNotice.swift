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
    static let action = "notice.send"

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

    /// The dashboard link to approval `id`.
    func link(to id: Int64) -> String {
        let forms = blueprint.connectors.forms.settings
        let base =
            forms["public_url"]?.string ?? forms["listen"]?.string.map { "http://\($0)" } ?? "http://127.0.0.1:8080"
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/approvals#approval-\(id)"
    }

    /// The email's payload for approval `id`.
    func email(to address: String, id: Int64, agent: String, action: String, reason: String, caseID: String)
        -> [String: String]
    {
        [
            "to": address, "subject": "Waiting for you: \(agent) wants \(action) (#\(id))",
            "body":
                "\(agent) wants to \(action) in case \(caseID).\nWhy: \(reason)\n\nApprove, change or reject it here: \(link(to: id))\n\n\(blueprint.business.name) · Baton",
        ]
    }
}
