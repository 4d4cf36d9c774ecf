import Foundation

/// What the first-response KPI and the daily report need of the store, part of ``RuntimeStorage``:
/// every lead of a period with what became of it, so that no lead goes uncounted.
package protocol LeadLedgerStorage: Sendable {
    /// Each lead that arrived in `[from, to)` (its case's first arrival), oldest first, with its
    /// first reply sent, a reply still to go, whether a person is asked, and whether it was spam.
    func leadLedger(from: Date, to: Date) async throws -> [LeadRecord]
}

/// One lead and what became of it.
package struct LeadRecord: Sendable, Equatable {
    package let caseID: String
    package let received: Date
    /// When its first email left.
    package let replied: Date?
    /// When a reply queued (or deferred over its agent's limit) is due to go, if one waits.
    package let replyDue: Date?
    /// Whether a reply to it waits for a person: an approval of an email to it, or one held.
    package let waitingForPerson: Bool
    /// Whether it was recorded as spam: no reply is owed.
    package let spam: Bool
    /// Whether a reply to it was given up (dead).
    package let replyFailed: Bool

    package init(
        caseID: String, received: Date, replied: Date?, replyDue: Date? = nil, waitingForPerson: Bool = false,
        spam: Bool = false, replyFailed: Bool = false
    ) {
        self.caseID = caseID
        self.received = received
        self.replied = replied
        self.replyDue = replyDue
        self.waitingForPerson = waitingForPerson
        self.spam = spam
        self.replyFailed = replyFailed
    }
}
