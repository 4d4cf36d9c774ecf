import Blueprint
import Foundation

/// The approvals as a person decides them (the dashboard, the JSON API, the scheduler's timeouts),
/// part of ``RuntimeStorage``.
package protocol ApprovalStorage: Sendable {
    /// One approval; throws when there is none with that id.
    func approval(_ id: Int64) async throws -> ApprovalRecord
    /// The pending approvals `filter` selects, newest first, `limit` of them after the cursor `after`.
    func pendingApprovals(_ filter: ApprovalFilter, after: Int64?, limit: Int) async throws -> ApprovalPage
    /// The action and agent pairs that have pending approvals, with their counts.
    func pendingApprovalKinds() async throws -> [PendingKind]
    /// What the pending approvals `filter` selects have in common: count, reasons, evidence.
    func pendingApprovalSummary(_ filter: ApprovalFilter) async throws -> PendingSummary
    /// The newest pending approval `filter` selects, if any.
    func newestPendingApproval(_ filter: ApprovalFilter) async throws -> Int64?
    /// Approves what `filter` selects up to approval `through`; returns how many.
    func approveAll(_ filter: ApprovalFilter, through: Int64) async throws -> Int
    /// Approves one, with the person's edit of its body if any.
    func approve(_ id: Int64, edited: [String: String]?) async throws
    /// Rejects one, with the reason.
    func reject(_ id: Int64, reason: String) async throws
    /// Sends one back to its agent with instructions; returns the event that carries them.
    @discardableResult
    func override(_ id: Int64, instructions: String) async throws -> Int64
    /// Acts on the approvals whose timeout is due under `blueprint`'s rules; returns how many.
    func applyApprovalTimeouts(_ blueprint: Blueprint) async throws -> Int
}
