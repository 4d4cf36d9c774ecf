import Foundation
import Mail

/// A meeting the scheduling agent books: one queued `calendar.book` action, keyed for idempotency.
public struct Appointment: Sendable, Equatable {
    /// The outbox item it carries out.
    public let id: Int64
    /// The action's idempotency key: the event's UID, so booking twice finds the first.
    public let key: String
    public let start: Date
    public let end: Date
    public let title: String
    /// The lead's address and name, as the event's attendee.
    public let attendee: String
    public let attendeeName: String
    /// The booking runtime's identity (``RuntimeStore/installID``), part of the event's UID.
    public let origin: String

    public init(
        id: Int64, key: String, start: Date, end: Date, title: String, attendee: String, attendeeName: String,
        origin: String = ""
    ) {
        self.id = id
        self.key = key
        self.origin = origin
        self.start = start
        self.end = end
        self.title = title
        self.attendee = attendee
        self.attendeeName = attendeeName
    }

    /// The event's UID and resource name: the key, with the origin when there is one.
    public var uid: String { origin.isEmpty ? key : "\(key).\(origin)" }
}

/// A calendar outside the runtime: its busy times are read into the built-in calendar before the
/// agents look for free times, and bookings are made on it. The built-in calendar needs none.
public protocol CalendarConnector: Sendable {
    /// Busy times overlapping `from..<to`.
    func busy(from: Date, to: Date) async throws -> [DateInterval]
    /// Books each appointment; returns each one's outcome by outbox id (a server that does not
    /// answer in time gives `.retry`).
    func book(_ appointments: [Appointment]) async -> [Int64: DeliveryOutcome]
}
