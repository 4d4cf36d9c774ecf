import Blueprint
import Foundation
import Orchestrator
import PostgresNIO

/// The approvals as a person decides them (``ApprovalStorage``), the SQLite store's SQL
/// (Approvals.swift, Approvals+paging.swift, Approvals+timeouts.swift) in PostgreSQL's words. What
/// a decision means is shared: the approved payload (``Approvals/approvedJSON(_:edited:)``) and the
/// timeout steps (``Approvals/takeTimeoutStep(_:rule:blueprint:now:tx:)``). A decision locks its
/// approval (`FOR UPDATE`), so two workers deciding one approval at once decide it once.
extension PostgresStore: ApprovalStorage {
    package func approval(_ id: Int64) async throws -> ApprovalRecord {
        guard let row = try await rows("SELECT * FROM approval WHERE id = \(id)").first else {
            throw RuntimeError("no approval \(id) (see `baton approvals list`)")
        }
        return try row.approval()
    }

    package func pendingApprovals(_ filter: ApprovalFilter, after: Int64?, limit: Int) async throws -> ApprovalPage {
        let size = min(max(limit, 1), Approvals.largestPage)
        let total = try await value(Self.pending("SELECT count(*) FROM approval", filter), as: Int.self) ?? 0
        var query = Self.pending("SELECT * FROM approval", filter)
        if let after { query.sql += " AND id < \(after)" }
        query.sql += " ORDER BY id DESC LIMIT \(size + 1)"
        var rows = try await rows(query)
        let more = rows.count > size
        if more { rows.removeLast() }
        let approvals = try rows.map { try $0.approval() }
        return ApprovalPage(page: approvals, total: total, next: more ? approvals.last?.id : nil)
    }

    package func pendingApprovalKinds() async throws -> [PendingKind] {
        try await rows(
            """
            SELECT action, agent, count(*) AS n FROM approval WHERE status = 'pending'
            GROUP BY action, agent ORDER BY action, agent
            """
        ).map { PendingKind(pending: ActionKind(rawValue: try $0("action")), agent: try $0("agent"), count: try $0("n")) }
    }

    package func pendingApprovalSummary(_ filter: ApprovalFilter) async throws -> PendingSummary {
        let count = try await value(Self.pending("SELECT count(*) FROM approval", filter), as: Int.self) ?? 0
        var reasons = Self.pending("SELECT reason, count(*) AS n FROM approval", filter)
        reasons.sql += " GROUP BY reason ORDER BY n DESC, reason LIMIT 10"
        var evidence = Self.pending(
            "SELECT source.key AS source, count(*) AS n FROM approval, json_each(approval.evidence_json::json) AS source",
            filter)
        evidence.sql += " GROUP BY source.key ORDER BY source.key LIMIT 100"
        return PendingSummary(
            pending: count, reasons: try await rows(reasons).map { (try $0("reason"), try $0("n")) },
            evidence: try await rows(evidence).map { (try $0("source"), try $0("n")) })
    }

    package func newestPendingApproval(_ filter: ApprovalFilter) async throws -> Int64? {
        try await value(Self.pending("SELECT max(id) FROM approval", filter), as: Int64?.self) ?? nil
    }

    package func approveAll(_ filter: ApprovalFilter, through: Int64) async throws -> Int {
        guard !filter.isEmpty else { throw RuntimeError("a bulk approval names an action kind or an agent") }
        let clock = clock
        var approved = 0
        var cursor = through + 1
        while true {
            var select = Self.pending("SELECT id FROM approval", filter)
            select.sql += " AND id < \(cursor) ORDER BY id DESC LIMIT 200 FOR UPDATE"
            let batch = try await write { [select] tx -> (count: Int, lowest: Int64?) in
                let ids = try tx.run(select).map { try $0.decode(Int64.self) }
                let now = clock()
                for id in ids { try Self.approve(tx, id, edited: nil, at: now) }
                return (ids.count, ids.last)
            }
            approved += batch.count
            guard let lowest = batch.lowest, batch.count == 200 else { return approved }
            cursor = lowest
        }
    }

    package func approve(_ id: Int64, edited: [String: String]?) async throws {
        let clock = clock
        try await write { tx in try Self.approve(tx, id, edited: edited, at: clock()) }
    }

    package func reject(_ id: Int64, reason: String) async throws {
        let clock = clock
        try await write { tx in
            var record = try Self.decide(tx, id)
            let now = clock()
            record.status = .rejected
            record.decision = reason
            record.decidedAt = now
            try Self.update(tx, record)
            try tx.appendAudit(
                at: now, caseID: record.caseID, agent: record.agent, kind: .rejected,
                detail: "\(record.action) #\(id): \(reason)")
        }
    }

    @discardableResult
    package func override(_ id: Int64, instructions: String) async throws -> Int64 {
        let clock = clock
        return try await write { tx in
            var record = try Self.decide(tx, id)
            let now = clock()
            record.status = .overridden
            record.decision = instructions
            record.decidedAt = now
            try Self.update(tx, record)
            guard
                let event = try tx.run(
                    """
                    INSERT INTO event (type, case_id, payload_json, producer, status, created_at)
                    VALUES (\(Engine.overrideEvent), \(record.caseID),
                        \(StringMapJSON.encode(["approval": "\(id)", "instructions": instructions])),
                        \(Approvals.producer), 'pending', \(StoredTime.rounded(now)))
                    RETURNING id
                    """
                ).first
            else { throw MissingRow(table: "event", id: nil) }
            try tx.appendAudit(
                at: now, caseID: record.caseID, agent: record.agent, kind: .overridden,
                detail: "\(record.action) #\(id): back to \(record.agent) with instructions")
            return try event.decode(Int64.self)
        }
    }

    package func applyApprovalTimeouts(_ blueprint: Blueprint) async throws -> Int {
        let now = clock()
        var taken = 0
        while true {
            let turn = try await write { tx in try Self.timeoutTurn(tx, blueprint, now: now) }
            taken += turn.taken
            if !turn.more { return taken }
        }
    }

    /// `select` over pending approvals (`status = 'pending'` a literal, so the partial indexes apply)
    /// narrowed by `filter`.
    private static func pending(_ select: String, _ filter: ApprovalFilter) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: select + " WHERE approval.status = 'pending'")
        if let action = filter.action {
            query.binds.append(action.rawValue)
            query.sql += " AND approval.action = $\(query.binds.count)"
        }
        if let agent = filter.agent {
            query.binds.append(agent)
            query.sql += " AND approval.agent = $\(query.binds.count)"
        }
        return query
    }

    /// The approval `id`, locked, if it is still pending.
    private static func decide(_ tx: PostgresTransaction, _ id: Int64) throws -> ApprovalRecord {
        guard let row = try tx.run("SELECT * FROM approval WHERE id = \(id) FOR UPDATE").first else {
            throw RuntimeError("no approval \(id) (see `baton approvals list`)")
        }
        let record = try StoredRow(row).approval()
        guard record.status == .pending else {
            throw RuntimeError("approval \(id) is already \(record.status.rawValue)")
        }
        return record
    }

    private static func approve(_ tx: PostgresTransaction, _ id: Int64, edited: [String: String]?, at now: Date) throws {
        var record = try decide(tx, id)
        let json = try Approvals.approvedJSON(record, edited: edited)
        record.status = .approved
        record.approvedJSON = json
        record.decidedAt = now
        try update(tx, record)
        try tx.queueAction(
            key: "approval-\(id)", caseID: record.caseID, agent: record.agent, action: record.action, payloadJSON: json,
            at: now)
        try tx.appendAudit(
            at: now, caseID: record.caseID, agent: record.agent, kind: .approved,
            detail: "\(record.action) #\(id)\(edited == nil ? "" : " (edited)")")
    }

    /// Writes back what a decision or a timeout step changes on an approval.
    private static func update(_ tx: PostgresTransaction, _ record: ApprovalRecord) throws {
        try tx.run(
            """
            UPDATE approval SET status = \(record.status.rawValue), approved_json = \(record.approvedJSON),
                decision = \(record.decision), decided_at = \(record.decidedAt.map(StoredTime.rounded)),
                reminded_at = \(record.remindedAt.map(StoredTime.rounded)), reminded_to = \(record.remindedTo),
                escalated_at = \(record.escalatedAt.map(StoredTime.rounded)), escalated_to = \(record.escalatedTo)
            WHERE id = \(record.id ?? 0)
            """)
    }

    /// One transaction of the timeout scan (as Approvals+timeouts.swift's `timeoutTurn`): the due
    /// time of up to a batch of new approvals, then the steps due for up to a batch, each approval
    /// locked and skipped when another worker's scan holds it.
    private static func timeoutTurn(_ tx: PostgresTransaction, _ blueprint: Blueprint, now: Date) throws
        -> (taken: Int, more: Bool)
    {
        let rule = { (action: ActionKind) in blueprint.approvals.first { $0.action == action } }
        let fingerprint = TimeoutSchedule.fingerprint(blueprint)
        let stored = try tx.run("SELECT value FROM runtime_meta WHERE key = 'approval_timeout_rules'").first
            .map { try $0.decode(String.self) }
        if stored != fingerprint {
            try tx.run("UPDATE approval SET timeout_at = NULL WHERE status = 'pending'")
            try tx.run(
                """
                INSERT INTO runtime_meta (key, value) VALUES ('approval_timeout_rules', \(fingerprint))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """)
        }
        let batch = Approvals.timeoutBatch
        let unscheduled = try tx.run(
            "SELECT * FROM approval WHERE status = 'pending' AND timeout_at IS NULL LIMIT \(batch) FOR UPDATE SKIP LOCKED"
        ).map { try StoredRow($0).approval() }
        for record in unscheduled { try schedule(tx, record, rule(record.action)) }
        var taken = 0
        let due = try tx.run(
            """
            SELECT * FROM approval WHERE status = 'pending' AND timeout_at <= \(StoredTime.rounded(now))
            ORDER BY timeout_at LIMIT \(batch) FOR UPDATE SKIP LOCKED
            """
        ).map { try StoredRow($0).approval() }
        for record in due {
            guard let rule = rule(record.action),
                let outcome = try Approvals.takeTimeoutStep(record, rule: rule, blueprint: blueprint, now: now, tx: tx)
            else {
                try schedule(tx, record, rule(record.action))
                continue
            }
            let (stepped, detail) = outcome
            taken += 1
            try update(tx, stepped)
            try schedule(tx, stepped, rule)
            try tx.appendAudit(at: now, caseID: stepped.caseID, agent: stepped.agent, kind: .timeout, detail: detail)
        }
        return (taken, unscheduled.count == batch || (due.count == batch && taken > 0))
    }

    /// Stores when `record`'s next timeout step may be due.
    private static func schedule(_ tx: PostgresTransaction, _ record: ApprovalRecord, _ rule: ApprovalRule?) throws {
        try tx.run(
            "UPDATE approval SET timeout_at = \(TimeoutSchedule.next(record, rule: rule)) WHERE id = \(record.id ?? 0)")
    }
}
