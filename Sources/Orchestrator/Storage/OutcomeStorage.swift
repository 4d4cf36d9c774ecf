import Foundation

/// What the KPI snapshot (`baton kpis export`), the KPIs and the daily and weekly reports read of
/// the store beyond the lead ledger and the audit counts, each by an indexed time range so that its
/// cost follows the period, not the history. ``RuntimeStorage`` refines it; the SQLite store
/// implements it in `RuntimeStore+outcomes.swift`.
package protocol OutcomeStorage: Sendable {
    /// The cases of the leads that arrived in `[from, to)` whose first reply sent went out after a
    /// person approved it.
    func leadsAnsweredAfterApproval(from: Date, to: Date) async throws -> Set<String>
    /// The approvals decided in `[from, to)`: when each was asked and decided.
    func approvalDecisions(from: Date, to: Date) async throws -> [ApprovalDecision]
    /// The books in `[from, to)`: reminders raised, invoices paid with their issue day; `nil` when
    /// the books hold no invoice at all (not connected).
    func booksOutcome(from: Date, to: Date) async throws -> BooksOutcome?
    /// When the runtime first did anything (its first audit line), if ever.
    func firstActivity() async throws -> Date?
    /// Each customer inquiry that arrived in `[from, to)`, oldest first, with its first answer sent
    /// (docs/outcomes.md says what counts): a case whose first `inquiry.received` event is in the
    /// period and that is not a lead (no `lead.received` on it); its first answer is the case's first
    /// `email.send` or `complaint.reply` sent.
    func inquiryLedger(from: Date, to: Date) async throws -> [InquiryRecord]
}

/// One customer inquiry (a question, a complaint, a refund request) and its first answer.
package struct InquiryRecord: Sendable, Equatable {
    package let caseID: String
    package let received: Date
    /// When the first email answering it left.
    package let answered: Date?
    /// Whether, without an answer, it waits for a person: an approval pending on its case, an email
    /// to it held, or support triage escalated it (`complaint.escalated`).
    package let waitingForPerson: Bool

    package init(caseID: String, received: Date, answered: Date?, waitingForPerson: Bool = false) {
        self.caseID = caseID
        self.received = received
        self.answered = answered
        self.waitingForPerson = waitingForPerson
    }
}

/// An approval and its decision.
package struct ApprovalDecision: Sendable, Equatable {
    package let asked: Date
    package let decided: Date

    package init(asked: Date, decided: Date) {
        self.asked = asked
        self.decided = decided
    }
}

/// What the books did in a period.
package struct BooksOutcome: Sendable, Equatable {
    /// When each reminder was raised.
    package var chased: [Date] = []
    /// Each invoice paid: when the import found it paid, and the day it was issued (if it says).
    package var paid: [(settled: Date, issued: LocalDate?)] = []

    package init() {}

    package static func == (a: BooksOutcome, b: BooksOutcome) -> Bool {
        a.chased == b.chased && a.paid.map(\.settled) == b.paid.map(\.settled)
            && a.paid.map(\.issued) == b.paid.map(\.issued)
    }
}
