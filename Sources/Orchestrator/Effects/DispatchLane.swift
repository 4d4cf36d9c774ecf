import Blueprint
import GRDB

/// A part of the outbox that one connector carries out, dispatched on its own so that a slow
/// connector (a silent SMTP server) holds up only its own lane: what other connectors have queued
/// meanwhile goes on. Lanes never share an item, so no item is dispatched twice at once.
public enum DispatchLane: Sendable, CaseIterable {
    /// Emails: replies, complaint replies, approval notices.
    case email
    /// Calendar bookings.
    case calendar
    /// Everything else: webhooks, the built-in CRM and ledger, and what no connector carries out.
    case other

    /// The action kinds that belong to a lane other than ``other``.
    private static let kinds: [DispatchLane: [ActionKind]] = [
        .email: [.emailSend, .complaintReply, ApprovalNotice.action], .calendar: [.calendarBook],
    ]

    /// The outbox rows of this lane.
    func filter(_ request: QueryInterfaceRequest<OutboxItem>) -> QueryInterfaceRequest<OutboxItem> {
        switch self {
        case .email, .calendar: request.filter(Self.kinds[self]!.contains(Column("action")))
        case .other: request.filter(!Self.kinds.values.joined().contains(Column("action")))
        }
    }
}
