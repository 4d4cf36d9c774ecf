import Blueprint

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

    /// The action kinds of ``email`` and ``calendar``; ``other`` has every kind not in another lane.
    package var kinds: [ActionKind] {
        switch self {
        case .email: [.emailSend, .complaintReply, ApprovalNotice.action]
        case .calendar: [.calendarBook]
        case .other: []
        }
    }

    /// The kinds that have a lane of their own.
    package static var laneKinds: [ActionKind] { [DispatchLane.email, .calendar].flatMap(\.kinds) }
}
