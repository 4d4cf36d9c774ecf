import Foundation
import Mail

/// What the inbox service needs of the store, part of ``RuntimeStorage``: the progress kept per
/// inbox, the cases of the emails Baton sent (a reply names one), and each batch of messages stored
/// as events with that progress in one synced commit.
package protocol InboxStorage: Sendable {
    /// The last position stored for the inbox named `source`, nil before its first batch.
    func inboxProgress(source: String) async throws -> InboxPosition?
    /// The case of each outbox item among `keys` (idempotency keys, as a Baton Message-ID carries
    /// them), by key; keys of no item are left out.
    func casesOfOutboxKeys(_ keys: [String]) async throws -> [String: String]
    /// Stores each message's event once per idempotency key (a key already stored, with any body,
    /// stores nothing and counts as stored), an audit line for each one stored now, and the
    /// source's progress, all in one synced commit. Returns, in order, whether each was new.
    func storeInbox(_ messages: [InboxEvent], source: String, progress: InboxPosition?) async throws -> [Bool]
}

/// One message from an inbox as the store keeps it: its event (keyed by its Message-ID) and the
/// audit line that says what became of it.
package struct InboxEvent: Sendable {
    package var event: IntakeEvent
    package var audit: AuditKind
    package var detail: String

    package init(event: IntakeEvent, audit: AuditKind, detail: String) {
        self.event = event
        self.audit = audit
        self.detail = detail
    }
}
