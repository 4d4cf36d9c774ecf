import Blueprint
import Foundation
import Orchestrator
import PostgresNIO

/// The leads and inquiries of a period and what became of them (``LeadLedgerStorage``), and what
/// the KPIs measure (``OutcomeStorage``): the SQLite store's queries themselves
/// (``RuntimeStore/leadLedgerSQL``, ``RuntimeStore/inquiryLedgerSQL``,
/// ``RuntimeStore/leadsFirstReplySQL``), written once for both stores; the rest
/// (RuntimeStore+outcomes.swift) in PostgreSQL's words. Ties are ordered by the case id's bytes, as
/// SQLite orders them.
extension PostgresStore: LeadLedgerStorage, OutcomeStorage {
    package func leadLedger(from: Date, to: Date) async throws -> [LeadRecord] {
        try await rows(PostgresQuery(shared: RuntimeStore.leadLedgerSQL, from, to)).map {
            LeadRecord(
                caseID: try $0("case_id"), received: try $0("received"), replied: try $0("replied"),
                replyDue: try $0("due"), waitingForPerson: try $0("waiting"), spam: try $0("spam"),
                replyFailed: try $0("failed"))
        }.sorted { Self.byArrival(($0.received, $0.caseID), ($1.received, $1.caseID)) }
    }

    package func inquiryLedger(from: Date, to: Date) async throws -> [InquiryRecord] {
        try await rows(PostgresQuery(shared: RuntimeStore.inquiryLedgerSQL, from, to)).map {
            let answered: Date? = try $0("answered")
            return InquiryRecord(
                caseID: try $0("case_id"), received: try $0("received"), answered: answered,
                waitingForPerson: try answered == nil && $0("waiting", as: Bool.self))
        }.sorted { Self.byArrival(($0.received, $0.caseID), ($1.received, $1.caseID)) }
    }

    package func leadsAnsweredAfterApproval(from: Date, to: Date) async throws -> Set<String> {
        var cases: Set<String> = []
        for row in try await rows(PostgresQuery(shared: RuntimeStore.leadsFirstReplySQL, from, to)) {
            if let key: String = try row("first_key"), key.hasPrefix("approval-") { cases.insert(try row("case_id")) }
        }
        return cases
    }

    package func approvalDecisions(from: Date, to: Date) async throws -> [ApprovalDecision] {
        try await rows(
            """
            SELECT created_at, decided_at FROM approval
            WHERE decided_at IS NOT NULL AND decided_at >= \(from) AND decided_at < \(to) ORDER BY decided_at
            """
        ).map { ApprovalDecision(asked: try $0("created_at"), decided: try $0("decided_at")) }
    }

    package func booksOutcome(from: Date, to: Date) async throws -> BooksOutcome? {
        guard try await value("SELECT EXISTS (SELECT 1 FROM invoice)", as: Bool.self) == true else { return nil }
        var outcome = BooksOutcome()
        outcome.chased = try await rows(
            "SELECT raised_at FROM invoice_reminder WHERE raised_at >= \(from) AND raised_at < \(to)"
        ).map { try $0("raised_at") }
        for row in try await rows(
            """
            SELECT settled_at, issued_on FROM invoice
            WHERE settled_at IS NOT NULL AND settled_at >= \(from) AND settled_at < \(to) AND status = 'paid'
            ORDER BY settled_at, number COLLATE "C"
            """)
        {
            let issued: String? = try row("issued_on")
            outcome.paid.append((try row("settled_at"), issued.flatMap(LocalDate.init(iso:))))
        }
        return outcome
    }

    package func firstActivity() async throws -> Date? {
        try await value("SELECT min(at) FROM audit", as: Date?.self) ?? nil
    }

    /// Oldest first, then by the case id's bytes.
    private static func byArrival(_ a: (Date, String), _ b: (Date, String)) -> Bool {
        a.0 != b.0 ? a.0 < b.0 : a.1.utf8.lexicographicallyPrecedes(b.1.utf8)
    }
}
