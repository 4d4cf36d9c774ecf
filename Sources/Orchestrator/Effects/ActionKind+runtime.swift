import Blueprint

/// Action kinds as the dispatcher routes them. Beside the catalog's, the runtime queues two of its
/// own: ``ApprovalNotice/action`` and ``WebhookSubscriptions/action``.
extension ActionKind {
    /// Whether the email connector carries it out.
    var isEmail: Bool { self == .emailSend || self == .complaintReply || self == ApprovalNotice.action }
}
