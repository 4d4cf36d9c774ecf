import Blueprint
import Foundation
import GRDB

/// Which pending approvals a page or a bulk decision is about: all, or one action kind, one agent,
/// or both.
public struct ApprovalFilter: Sendable, Equatable, Hashable {
    public var action: ActionKind?
    public var agent: String?

    public init(action: ActionKind? = nil, agent: String? = nil) {
        self.action = action
        self.agent = agent
    }

    /// True when it narrows nothing.
    public var isEmpty: Bool { action == nil && agent == nil }

    /// The SQL condition (after `status = 'pending'`, which stays a literal so the partial indexes
    /// apply) and its arguments.
    var condition: (sql: String, arguments: StatementArguments) {
        var sql = ""
        var arguments: StatementArguments = []
        if let action {
            sql += " AND action = ?"
            arguments += [action.rawValue]
        }
        if let agent {
            sql += " AND agent = ?"
            arguments += [agent]
        }
        return (sql, arguments)
    }
}

/// One page of pending approvals, newest first.
public struct ApprovalPage: Sendable {
    /// At most the page's size, newest first.
    public let approvals: [ApprovalRecord]
    /// How many pending approvals the filter selects, on every page.
    public let total: Int
    /// The cursor of the next page (the last id on this one), nil on the last page.
    public let next: Int64?
    /// The pending approvals on this page whose stored row does not read: left out, and said.
    public var unreadable: [StoredDataError] = []
}

/// What the pending approvals a filter selects say, summed up: the confirmation of a bulk approval.
public struct PendingSummary: Sendable {
    public let count: Int
    /// The commonest reasons the agents gave, with how many gave each (at most ten).
    public let reasons: [(String, Int)]
    /// How many gave another reason than those.
    public let otherReasons: Int
    /// Each evidence source (the agents' notes they read), with how many used it.
    public let evidence: [(String, Int)]
}

/// How many approvals wait, by action kind and agent: the dashboard's filter.
public struct PendingKind: Sendable, Equatable {
    public let action: ActionKind
    public let agent: String
    public let count: Int
}

extension Approvals {
    /// The most a page holds, whatever is asked.
    public static let largestPage = 500

    /// The pending approvals `filter` selects, newest first, `limit` (at most ``largestPage``) of
    /// them after the cursor `after` (the last id of the previous page).
    public func pendingPageAsync(_ filter: ApprovalFilter = .init(), after: Int64? = nil, limit: Int = 50)
        async throws -> ApprovalPage
    {
        try await store.database.read { try Self.pendingPage($0, filter, after: after, limit: limit) }
    }

    public func pendingPage(_ filter: ApprovalFilter = .init(), after: Int64? = nil, limit: Int = 50) throws
        -> ApprovalPage
    {
        try store.database.read { try Self.pendingPage($0, filter, after: after, limit: limit) }
    }

    static func pendingPage(_ db: Database, _ filter: ApprovalFilter, after: Int64?, limit: Int) throws -> ApprovalPage
    {
        let size = min(max(limit, 1), largestPage)
        let (condition, arguments) = filter.condition
        let total =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM approval WHERE status = 'pending'\(condition)", arguments: arguments)
            ?? 0
        var sql = "SELECT * FROM approval WHERE status = 'pending'\(condition)"
        var pageArguments = arguments
        if let after {
            sql += " AND id < ?"
            pageArguments += [after]
        }
        sql += " ORDER BY id DESC LIMIT ?"
        pageArguments += [size + 1]
        var rows = try Row.fetchAll(db, sql: sql, arguments: pageArguments)
        let more = rows.count > size
        if more { rows.removeLast() }
        // Each decoded on its own: one that does not read is left out and said, not the page lost.
        var approvals: [ApprovalRecord] = []
        var unreadable: [StoredDataError] = []
        for row in rows {
            do { approvals.append(try ApprovalRecord.readable(row, in: "approval")) } catch let error as StoredDataError
            {
                unreadable.append(error)
            }
        }
        let last = rows.last.flatMap { try? $0.decode(Int64.self, forColumn: "id") }
        return ApprovalPage(approvals: approvals, total: total, next: more ? last : nil, unreadable: unreadable)
    }

    /// How many approvals wait, by action kind and agent.
    public func pendingKindsAsync() async throws -> [PendingKind] {
        try await store.database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT action, agent, COUNT(*) AS n FROM approval WHERE status = 'pending'
                    GROUP BY action, agent ORDER BY action, agent
                    """
            ).compactMap { row in
                // A kind whose action or agent does not read is left out of the filter (its page says it).
                guard let action = try? row.stored("action", in: "approval", key: nil, as: String.self),
                    let agent = try? row.stored("agent", in: "approval", key: nil, as: String.self)
                else { return nil }
                return PendingKind(
                    action: ActionKind(rawValue: action), agent: agent,
                    count: try row.stored("n", in: "approval", key: nil))
            }
        }
    }

    /// What the approvals `filter` selects say, summed up (see ``PendingSummary``).
    public func pendingSummaryAsync(_ filter: ApprovalFilter) async throws -> PendingSummary {
        let (condition, arguments) = filter.condition
        return try await store.database.read { db in
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM approval WHERE status = 'pending'\(condition)", arguments: arguments)
                ?? 0
            let reasons = try Row.fetchAll(
                db,
                sql: """
                    SELECT reason, COUNT(*) AS n FROM approval WHERE status = 'pending'\(condition)
                    GROUP BY reason ORDER BY n DESC, reason LIMIT 10
                    """, arguments: arguments
            ).compactMap { row -> (String, Int)? in
                // A reason that does not read is counted among the others.
                guard let reason = try? row.stored("reason", in: "approval", key: nil, as: String.self) else {
                    return nil
                }
                return (reason, try row.stored("n", in: "approval", key: nil))
            }
            let evidence = try Row.fetchAll(
                db,
                sql: """
                    SELECT source.key AS source, COUNT(*) AS n
                    FROM approval, json_each(approval.evidence_json) AS source
                    WHERE approval.status = 'pending'\(condition)
                    GROUP BY source.key ORDER BY source.key LIMIT 100
                    """, arguments: arguments
            ).compactMap { row -> (String, Int)? in
                guard let source = try? row.stored("source", in: "approval", key: nil, as: String.self) else {
                    return nil
                }
                return (source, try row.stored("n", in: "approval", key: nil))
            }
            return PendingSummary(
                count: count, reasons: reasons, otherReasons: count - reasons.reduce(0) { $0 + $1.1 },
                evidence: evidence)
        }
    }

    /// The newest pending approval `filter` selects: the bound of a bulk approval confirmed now.
    public func newestPendingAsync(_ filter: ApprovalFilter) async throws -> Int64? {
        let (condition, arguments) = filter.condition
        return try await store.database.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT MAX(id) FROM approval WHERE status = 'pending'\(condition)", arguments: arguments)
        }
    }

    /// Approves, unedited, every approval `filter` selects that is still pending, up to id `through`
    /// (what the person saw when confirming: one that arrived since is left waiting); each is queued
    /// and audited as a single approval is. Written 200 at a time, so the intake's commits are not
    /// held up behind one long transaction. Returns how many were approved.
    public func approveAllAsync(_ filter: ApprovalFilter, through: Int64) async throws -> Int {
        precondition(!filter.isEmpty, "a bulk approval names an action kind or an agent")
        let clock = store.clock
        var approved = 0
        var cursor = through + 1
        while true {
            let below = cursor
            let batch = try await store.database.write { db -> (count: Int, lowest: Int64?) in
                let (condition, arguments) = filter.condition
                let ids = try Int64.fetchAll(
                    db,
                    sql:
                        "SELECT id FROM approval WHERE status = 'pending'\(condition) AND id < ? ORDER BY id DESC LIMIT 200",
                    arguments: arguments + [below])
                let now = clock()
                for id in ids { try Self.approve(db, id, edited: nil, at: now) }
                return (ids.count, ids.last)
            }
            approved += batch.count
            guard let lowest = batch.lowest, batch.count == 200 else { return approved }
            cursor = lowest
        }
    }
}
