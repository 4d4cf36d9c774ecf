import Blueprint
import Foundation

/// The SQLite store's approvals and dashboard access as the server reaches them through
/// ``RuntimeStorage``: each the async operation of ``Approvals`` or ``DashboardAccess``.
extension RuntimeStore {
    package func approval(_ id: Int64) async throws -> ApprovalRecord { try await Approvals(store: self).getAsync(id) }

    package func pendingApprovals(_ filter: ApprovalFilter, after: Int64?, limit: Int) async throws -> ApprovalPage {
        try await Approvals(store: self).pendingPageAsync(filter, after: after, limit: limit)
    }

    package func pendingApprovalKinds() async throws -> [PendingKind] {
        try await Approvals(store: self).pendingKindsAsync()
    }

    package func pendingApprovalSummary(_ filter: ApprovalFilter) async throws -> PendingSummary {
        try await Approvals(store: self).pendingSummaryAsync(filter)
    }

    package func newestPendingApproval(_ filter: ApprovalFilter) async throws -> Int64? {
        try await Approvals(store: self).newestPendingAsync(filter)
    }

    package func approveAll(_ filter: ApprovalFilter, through: Int64) async throws -> Int {
        try await Approvals(store: self).approveAllAsync(filter, through: through)
    }

    package func approve(_ id: Int64, edited: [String: String]?) async throws {
        try await Approvals(store: self).approveAsync(id, edited: edited)
    }

    package func reject(_ id: Int64, reason: String) async throws {
        try await Approvals(store: self).rejectAsync(id, reason: reason)
    }

    package func override(_ id: Int64, instructions: String) async throws -> Int64 {
        try await Approvals(store: self).overrideAsync(id, instructions: instructions)
    }

    package func applyApprovalTimeouts(_ blueprint: Blueprint) async throws -> Int {
        try await Approvals(store: self).applyTimeoutsAsync(blueprint)
    }

    package func dashboardTokenID(hash: String) async throws -> Int64? {
        try await DashboardAccess(store: self).tokenID(hash: hash)
    }

    package func touchDashboardToken(id: Int64) async throws { try await DashboardAccess(store: self).touchToken(id: id) }

    package func openDashboardSession(id: String, csrf: String, token: Int64, hours: Double) async throws {
        try await DashboardAccess(store: self).openSession(id: id, csrf: csrf, token: token, hours: hours)
    }

    package func dashboardSession(id: String) async throws -> DashboardSession? {
        try await DashboardAccess(store: self).session(id: id)
    }

    package func closeDashboardSession(id: String) async throws {
        try await DashboardAccess(store: self).closeSession(id: id)
    }

    package func closeDashboardSessions(token: Int64) async throws -> Int {
        try await DashboardAccess(store: self).closeSessions(token: token)
    }
}
