import Foundation

/// What the operator's commands need of the store, part of ``RuntimeStorage``: `baton cases`,
/// `baton event list|retry|case-token`, `baton approvals` (with its sign-in tokens), `baton crm`
/// and `baton prune`. Reads and decisions, each one short transaction.
package protocol OperatorStorage: Sendable {
    /// Cases newest first (by their first event), `limit` at a time after a previous page's cursor.
    ///
    /// - Throws: ``CaseCursorError`` for a cursor that is not one.
    func casePage(limit: Int, after cursor: String?) async throws -> CasePage
    /// A case's events, oldest first.
    func caseEvents(_ caseID: String) async throws -> [EventRecord]
    /// Puts dead event `id` back in the queue with its tries reset, and says so on its case.
    ///
    /// - Throws: ``EventRetryError`` when there is no such event or it is not dead.
    func retryDeadLetter(_ id: Int64) async throws -> EventRecord
    /// Removes old audit detail and closed cases' payloads before `cut`, keeping every figure.
    func pruneHistory(before cut: Date) async throws -> PruneSummary
    /// The token that lets an outside producer add events to `caseID`.
    func caseLinkToken(for caseID: String) async throws -> String

    /// The pending approvals that read, oldest first, and those whose stored row does not.
    func pendingApprovalListing() async throws -> (approvals: [ApprovalRecord], unreadable: [StoredDataError])

    /// Keeps a new dashboard token's hash under `label`; its id.
    func addDashboardToken(hash: String, label: String?) async throws -> Int64
    /// The dashboard tokens that read (never their secrets), and those whose stored row does not.
    func dashboardTokenListing() async throws -> (tokens: [DashboardToken], unreadable: [StoredDataError])
    /// Ends token `id`: it signs nobody in; returns how many of its sessions ended.
    func revokeDashboardToken(id: Int64) async throws -> Int

    /// Adds the contacts of a checked import, or updates those with the same email, in one transaction.
    func saveContacts(_ contacts: [CRMContact]) async throws -> (added: Int, updated: Int)
    /// Every contact that reads, by email, and those whose stored row does not.
    func contactListing() async throws -> (contacts: [CRMContact], unreadable: [StoredDataError])
}
