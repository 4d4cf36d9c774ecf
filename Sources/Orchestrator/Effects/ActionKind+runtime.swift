import Blueprint
import GRDB

/// Action kinds as the runtime uses them: stored as their text in the outbox and on approvals, and
/// routed by the dispatcher. Beside the catalog's, the runtime queues two of its own:
/// ``ApprovalNotice/action`` and ``WebhookSubscriptions/action``.
extension ActionKind: DatabaseValueConvertible {
    /// Whether the email connector carries it out.
    var isEmail: Bool { self == .emailSend || self == .complaintReply || self == ApprovalNotice.action }
}
