import Blueprint
import Foundation
import GRDB

/// When an approval's next timeout step may be due under its rule, kept on the approval
/// (`timeout_at`, indexed over pending approvals) so that the scan reads only the approvals that
/// are due, never all that wait. It mirrors ``TimeoutStep/due(_:rule:now:)``: a step is due at
/// `now` exactly when `next` is at or before `now` (``next(_:rule:)`` rounds down to the second,
/// so it is never later than the step; one examined a moment early is left as it was).
package enum TimeoutSchedule {
    /// Stored for an approval no step will ever be due for: no rule, or its steps are done.
    static let never = Date(timeIntervalSince1970: 253_402_214_400)  // 9999-12-31

    /// When the next step for `approval` under `rule` may be due, or ``never``.
    package static func next(_ approval: ApprovalRecord, rule: ApprovalRule?) -> Date {
        guard approval.status == .pending, let rule, let after = rule.timeout.after.seconds else { return never }
        let due: Date
        switch rule.timeout.then {
        case .reject:
            due = approval.createdAt.addingTimeInterval(after)
        case .remind:
            guard approval.remindedAt == nil else { return never }
            due = approval.createdAt.addingTimeInterval(after)
        case .escalate:
            if let remindedAt = approval.remindedAt {
                guard approval.escalatedAt == nil else { return never }
                due = remindedAt.addingTimeInterval(after)
            } else {
                due = approval.createdAt.addingTimeInterval(after)
            }
        default:
            return never
        }
        return min(never, Date(timeIntervalSince1970: due.timeIntervalSince1970.rounded(.down)))
    }

    /// The rules as the stored due times were worked out under: when the blueprint's change, every
    /// pending approval's due time is worked out again.
    package static func fingerprint(_ blueprint: Blueprint) -> String {
        blueprint.approvals.map {
            "\($0.action.rawValue)|\($0.approver)|\($0.timeout.after.seconds.map { "\($0)" } ?? "-")|\($0.timeout.then)|\($0.timeout.to ?? "-")"
        }.joined(separator: "\n")
    }
}

extension Approvals {
    /// How many approvals one transaction of the timeout scan works on, at most.
    package static let timeoutBatch = 500

    /// Applies the blueprint's timeout rules to pending approvals (see ``TimeoutStep``): `remind`
    /// emails the approver once, `escalate` reminds the approver and then tells the rule's `to`,
    /// `reject` closes them. Each notice goes through the outbox like the approval notice, under a
    /// key bound to the approval and the step, and the step is marked on the approval in the same
    /// transaction: a restart, or running this again, sends nothing twice. Decided approvals are
    /// left alone. Returns how many steps were taken.
    ///
    /// Only due approvals are read (by the `approval_timeout` index on their due time), and new ones
    /// once, to work out their due time; at most ``timeoutBatch`` per transaction.
    @discardableResult
    public func applyTimeouts(_ blueprint: Blueprint) throws -> Int {
        let now = store.clock()
        var taken = 0
        while true {
            let turn = try store.database.write { try Self.timeoutTurn($0, blueprint, now: now) }
            taken += turn.taken
            if !turn.more { return taken }
        }
    }

    /// ``applyTimeouts(_:)`` through GRDB's async writes, for the scheduler.
    @discardableResult
    public func applyTimeoutsAsync(_ blueprint: Blueprint) async throws -> Int {
        let now = store.clock()
        var taken = 0
        while true {
            let turn = try await store.database.write { try Self.timeoutTurn($0, blueprint, now: now) }
            taken += turn.taken
            if !turn.more { return taken }
        }
    }

    /// The query that finds the approvals whose timeout step is due (`EXPLAIN QUERY PLAN` of it is
    /// tested: a search of the `approval_timeout` index, never a scan).
    static let dueTimeoutsSQL =
        "SELECT * FROM approval WHERE status = 'pending' AND timeout_at <= ? ORDER BY timeout_at LIMIT ?"
    /// The approvals whose due time is not worked out yet.
    static let unscheduledSQL = "SELECT * FROM approval WHERE status = 'pending' AND timeout_at IS NULL LIMIT ?"

    /// One transaction of the scan: works out the due time of up to a batch of new approvals, then
    /// takes the steps due for up to a batch; `more` when there may be more to do now.
    static func timeoutTurn(_ db: Database, _ blueprint: Blueprint, now: Date) throws -> (taken: Int, more: Bool) {
        let rule = { (action: ActionKind) in blueprint.approvals.first { $0.action == action } }
        let fingerprint = TimeoutSchedule.fingerprint(blueprint)
        let stored = try String.fetchOne(
            db, sql: "SELECT value FROM runtime_meta WHERE key = 'approval_timeout_rules'")
        if stored != fingerprint {
            // Other rules: every waiting approval's due time is worked out again under them.
            try db.execute(sql: "UPDATE approval SET timeout_at = NULL WHERE status = 'pending'")
            try db.execute(
                sql: "INSERT OR REPLACE INTO runtime_meta (key, value) VALUES ('approval_timeout_rules', ?)",
                arguments: [fingerprint])
        }
        let unscheduled = try ApprovalRecord.fetchAll(db, sql: unscheduledSQL, arguments: [timeoutBatch])
        for record in unscheduled {
            try schedule(db, record, rule(record.action))
        }
        var taken = 0
        let due = try ApprovalRecord.fetchAll(db, sql: dueTimeoutsSQL, arguments: [now, timeoutBatch])
        for record in due {
            guard let rule = rule(record.action),
                let outcome = try SQLiteTransaction.within(
                    db, { tx in try takeTimeoutStep(record, rule: rule, blueprint: blueprint, now: now, tx: tx) })
            else {
                try schedule(db, record, rule(record.action))
                continue
            }
            let (stepped, detail) = outcome
            taken += 1
            try stepped.update(db)
            try schedule(db, stepped, rule)
            try RuntimeStore.appendAudit(
                db, at: now, caseID: stepped.caseID, agent: stepped.agent, kind: .timeout,
                detail: detail)
        }
        // A full batch of which none was due yet (due within this second) is not read again now.
        return (taken, unscheduled.count == timeoutBatch || (due.count == timeoutBatch && taken > 0))
    }

    /// Takes the timeout step due on `record` under `rule` at `now`, if one is: queues its notice
    /// through `tx` (under a key bound to the approval and the step) and marks the step on the
    /// record. Returns the record as it now is and the audit line's detail; nil when no step is due.
    /// The same for every store: each writes the record, its next due time and the line itself.
    package static func takeTimeoutStep(
        _ record: ApprovalRecord, rule: ApprovalRule, blueprint: Blueprint, now: Date, tx: any RuntimeTransaction
    ) throws -> (record: ApprovalRecord, detail: String)? {
        guard let step = TimeoutStep.due(record, rule: rule, now: now), let id = record.id else { return nil }
        let notice = ApprovalNotice(blueprint: blueprint)
        var record = record
        let waited = rule.timeout.after.text
        var detail = "#\(id) \(record.action) unanswered after \(waited): "
        switch step {
        case .reject:
            record.status = .rejected
            record.decision = "no answer within \(waited)"
            record.decidedAt = now
            detail += "rejected"
        case .remind(let approver):
            let address = notice.address(of: approver)
            if let address {
                try Self.queueNotice(
                    tx, key: step.key(for: id)!, caseID: record.caseID, at: now,
                    payload: notice.reminder(
                        to: address, id: id, agent: record.agent, action: record.action,
                        caseID: record.caseID, waited: waited))
            }
            record.remindedAt = now
            record.remindedTo = address ?? approver
            detail += address.map { "reminded \($0)" } ?? "no address for \(approver): nobody reminded"
        case .escalate(let to):
            let address = notice.address(of: to)
            if let address {
                try Self.queueNotice(
                    tx, key: step.key(for: id)!, caseID: record.caseID, at: now,
                    payload: notice.escalation(
                        to: address, id: id, agent: record.agent, action: record.action,
                        caseID: record.caseID, approver: record.remindedTo ?? rule.approver,
                        waited: Self.words(now.timeIntervalSince(record.createdAt))))
            }
            record.escalatedAt = now
            record.escalatedTo = address ?? to
            detail += address.map { "escalated to \($0)" } ?? "no address for \(to): escalated to nobody"
        }
        return (record, detail)
    }

    /// Stores when `record`'s next step may be due.
    private static func schedule(_ db: Database, _ record: ApprovalRecord, _ rule: ApprovalRule?) throws {
        try db.execute(
            sql: "UPDATE approval SET timeout_at = ? WHERE id = ?",
            arguments: [TimeoutSchedule.next(record, rule: rule), record.id])
    }
}
