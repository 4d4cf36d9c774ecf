import Blueprint
import Foundation
import GRDB

extension Engine {
    /// What a commit did: events processed, and the cases dropped because their context moved on.
    struct Committed {
        var processed = 0
        var conflicts: [String] = []
    }

    /// Writes the outcomes of a step in one short transaction, oldest case first. Each case is
    /// written in its own savepoint: a case whose context version or events changed since the step
    /// read them is rolled back alone and left to run again from a new snapshot.
    func commit(_ outcomes: [CaseOutcome]) async throws -> Committed {
        guard !outcomes.isEmpty else { return Committed() }
        let ordered = outcomes.sorted { $0.firstEventID < $1.firstEventID }
        return try await store.database.write { db in
            var committed = Committed()
            var counts = Counts()
            for outcome in ordered {
                let before = counts
                do {
                    try db.inSavepoint {
                        try self.apply(outcome, db, &counts)
                        return .commit
                    }
                    committed.processed += outcome.steps.count
                } catch let conflict as ContextConflict {
                    counts = before
                    committed.conflicts.append(conflict.caseID)
                } catch let refused as StepRefused {
                    // The store refused a write (a constraint, a trigger): nothing of the case is kept,
                    // and the try counts against the waiting event the refused step came from.
                    counts = before
                    try db.inSavepoint {
                        try self.recordFailure(
                            of: refused.root, .stored(refused.root.id!), [:], Self.message(refused.error),
                            at: refused.at,
                            outcome.caseID, db)
                        return .commit
                    }
                    committed.processed += 1
                }
            }
            return committed
        }
    }

    /// Counts the gate's rules read once per commit and kept up to date as actions are queued.
    struct Counts {
        /// Emails queued per case (for the `first_contact` condition).
        var emailsByCase: [String: Int] = [:]
        /// Actions queued by each agent in the last hour (for `limits.actions_per_hour`).
        var actionsByAgent: [String: Int] = [:]
    }

    /// Writes one case's outcome; throws ``ContextConflict`` when it no longer applies.
    private func apply(_ outcome: CaseOutcome, _ db: Database, _ counts: inout Counts) throws {
        var ids: [EventOrigin: Int64] = [:]
        // Each event's first waiting ancestor in the step (itself when it was stored before).
        var roots: [EventOrigin: EventRecord] = [:]
        for step in outcome.steps {
            if case .stored = step.origin { roots[step.origin] = step.event }
            let root = roots[step.origin]!
            do {
                try apply(step, outcome, &ids, db, &counts)
                for origin in ids.keys where roots[origin] == nil { roots[origin] = root }
            } catch let error as DatabaseError where !Self.isTransient(error) {
                throw StepRefused(root: root, at: step.at, error: error)
            }
        }
        guard outcome.writes > 0 else { return }
        // The context is written once per step, and only over the version the step read.
        try db.cachedStatement(
            sql: """
                INSERT INTO case_context (case_id, context_json, version) VALUES (?, ?, ?)
                ON CONFLICT (case_id) DO UPDATE SET context_json = excluded.context_json, version = excluded.version
                WHERE case_context.version = ?
                """
        ).execute(arguments: [
            outcome.caseID, StringMapJSON.encode(outcome.notes), outcome.version + outcome.writes, outcome.version,
        ])
        guard db.changesCount == 1 else { throw ContextConflict(caseID: outcome.caseID) }
    }

    /// Writes one event's processing.
    private func apply(
        _ step: EventStep, _ outcome: CaseOutcome, _ ids: inout [EventOrigin: Int64], _ db: Database,
        _ counts: inout Counts
    ) throws {
        let caseID = outcome.caseID
        let at = step.at
        switch step.result {
        case .cancelled:
            _ = try done(step, ids, db, caseID, status: .cancelled)
            try audit(
                db, at, caseID, step.event.producer, .cancelled, "\(step.event.type): a reply came in since it was set"
            )
        case .failed(let message):
            try recordFailure(of: step.event, step.origin, ids, message, at: at, caseID, db)
        case .refused(let agent, let detail):
            _ = try done(step, ids, db, caseID, status: .done)
            try audit(db, at, caseID, nil, .event, "\(step.event.type) from \(step.event.producer)")
            try audit(db, at, caseID, agent, .denied, detail)
        case .revised(let record, let detail):
            _ = try done(step, ids, db, caseID, status: .done)
            try audit(db, at, caseID, nil, .event, "\(step.event.type) from \(step.event.producer)")
            // Checked again: a person may have acted on the override since the step read it.
            guard try Self.openOverride(record.revises!, caseID: caseID, db) != nil else {
                try audit(
                    db, at, caseID, nil, .denied,
                    "\(step.event.type): #\(record.revises!) is no longer an open override")
                return
            }
            try record.insert(db)
            try audit(db, at, caseID, record.agent, .approval, detail)
        case .ran(let runs):
            let id = try done(step, ids, db, caseID, status: .done)
            try audit(db, at, caseID, nil, .event, "\(step.event.type) from \(step.event.producer)")
            for hook in webhooks.hooks(for: step.event.type) { try queueWebhook(hook, step.event, id, db, at) }
            for run in runs {
                try record(run, of: step, id: id, outcome, &ids, db, &counts)
            }
        }
    }

    /// Marks a stored event as `status` (it must still be waiting), or finds the id of an emitted one.
    private func done(
        _ step: EventStep, _ ids: [EventOrigin: Int64], _ db: Database, _ caseID: String, status: EventRecord.Status
    ) throws -> Int64 {
        guard case .stored(let id) = step.origin else { return ids[step.origin]! }
        try HotStatement.execute(
            db.cachedStatement(sql: "UPDATE event SET status = ? WHERE id = ? AND status = 'pending'"),
            [.text(status.rawValue), .integer(id)])
        // Someone else took it (a retry, a prune) since the step read it.
        guard db.changesCount == 1 else { throw ContextConflict(caseID: caseID) }
        return id
    }

    /// One agent's run: its audit lines, its actions through the gate, its emitted events.
    private func record(
        _ run: AgentRun, of step: EventStep, id: Int64, _ outcome: CaseOutcome, _ ids: inout [EventOrigin: Int64],
        _ db: Database, _ counts: inout Counts
    ) throws {
        let (agent, caseID, at) = (run.agent, outcome.caseID, step.at)
        guard let result = run.outcome else {
            return try audit(
                db, at, caseID, agent.id, .skill, "skill \(agent.skill) is not built in yet; event left unhandled")
        }
        try audit(
            db, at, caseID, agent.id, .skill, result.notes["summary"] ?? "ran \(agent.skill)", notes: result.notes)
        for tool in result.refusedTools {
            try audit(db, at, caseID, agent.id, .denied, "tool \(tool): not in \(agent.id)'s permissions")
        }
        for (index, action) in result.actions.enumerated() {
            let key = "\(id)-\(agent.id)-\(action.kind)-\(index)"
            let firstContact = try action.kind == .emailSend && emailsQueued(in: caseID, db, &counts) == 0
            let json = StringMapJSON.encode(action.payload)
            var decision = gate.decide(action, by: agent, firstContact: firstContact)
            if decision == .allow, try actionsInTheLastHour(by: agent, at, db, &counts) >= agent.limits.actionsPerHour {
                // A runaway agent is stopped by its limit: what it proposes beyond waits for a person.
                try audit(
                    db, at, caseID, agent.id, .limited,
                    "\(action.kind): over \(agent.limits.actionsPerHour) actions an hour")
                decision = .needsApproval(PolicyGate.ownerApproval(of: action.kind))
            }
            switch decision {
            case .deny(let reason):
                try audit(db, at, caseID, agent.id, .denied, "\(action.kind): \(reason)")
            case .needsApproval(let rule):
                try ApprovalRecord(
                    id: nil, caseID: caseID, agent: agent.id, action: action.kind, proposedJSON: json,
                    reason: action.reason, status: .pending, createdAt: at, approvedJSON: nil, decision: nil,
                    decidedAt: nil, evidenceJSON: StringMapJSON.encode(run.evidence)
                ).insert(db)
                let approvalID = db.lastInsertedRowID
                try audit(db, at, caseID, agent.id, .approval, "\(action.kind) waits for \(rule.approver)")
                try notify(rule.approver, of: approvalID, agent: agent.id, action: action, caseID: caseID, db, at)
            case .allow:
                if try RuntimeStore.queueAction(
                    db, key: key, caseID: caseID, agent: agent.id, action: action.kind, payloadJSON: json, at: at)
                {
                    counts.actionsByAgent[agent.id, default: 0] += 1
                    if action.kind == .emailSend { counts.emailsByCase[caseID, default: 0] += 1 }
                }
                try audit(db, at, caseID, agent.id, .allowed, action.kind.rawValue)
            }
        }
        for type in run.undeclared {
            try audit(db, at, caseID, agent.id, .denied, "emitting \(type), which the blueprint does not declare")
        }
        for index in run.emitted {
            let emitted = outcome.emitted[index]
            try HotStatement.execute(
                db.cachedStatement(
                    sql: """
                        INSERT INTO event (type, case_id, causation_id, payload_json, producer, status, created_at, due_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """),
                [
                    .text(emitted.type), .text(caseID), .integer(id), .text(StringMapJSON.encode(emitted.payload)),
                    .text(emitted.producer), .text(emitted.handedOn ? "done" : "pending"),
                    .text(StoredDate.text(at)), HotValue(emitted.dueAt.map(StoredDate.text)),
                ])
            ids[.emitted(index)] = db.lastInsertedRowID
            if let days = emitted.afterDays {
                try audit(db, at, caseID, agent.id, .scheduled, "\(emitted.type) in \(days) days")
            }
        }
    }

    /// Counts a failed try against `event`: pending again for the next step, or dead after
    /// `maxEventAttempts`, with its error on the event and on its case's audit log. An event handed on
    /// within the step (stored as done by the event that emitted it) has not run after all.
    private func recordFailure(
        of event: EventRecord, _ origin: EventOrigin, _ ids: [EventOrigin: Int64], _ message: String, at: Date,
        _ caseID: String, _ db: Database
    ) throws {
        let attempts = event.attempts + 1
        let dead = attempts >= maxEventAttempts
        let status = dead ? EventRecord.Status.dead : .pending
        let (id, waiting): (Int64, String) =
            switch origin {
            case .stored(let id): (id, "pending")
            case .emitted: (ids[origin]!, "done")
            }
        try db.execute(
            sql: "UPDATE event SET status = ?, attempts = ?, last_error = ?, dead_at = ? WHERE id = ? AND status = ?",
            arguments: [status.rawValue, attempts, message, dead ? at : nil, id, waiting])
        guard db.changesCount == 1 else { throw ContextConflict(caseID: caseID) }
        if dead {
            try audit(
                db, at, caseID, nil, .dead,
                "dead-lettered: \(message) (\(event.type) #\(id) failed \(attempts) times; `baton event retry \(id)` puts it back)"
            )
        } else {
            try audit(
                db, at, caseID, nil, .failed,
                "\(event.type) #\(id) failed (try \(attempts) of \(maxEventAttempts)), tried again next batch: \(message)"
            )
        }
    }

    /// Failures of the store rather than of an event: the whole commit fails and its cases run again.
    static func isTransient(_ error: DatabaseError) -> Bool {
        [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_NOMEM, .SQLITE_READONLY, .SQLITE_CANTOPEN]
            .contains(error.resultCode)
    }

    /// Appends a line to the case's audit log.
    private func audit(
        _ db: Database, _ at: Date, _ caseID: String, _ agent: String?, _ kind: AuditKind, _ detail: String,
        notes: [String: String]? = nil
    ) throws {
        try RuntimeStore.appendAudit(db, at: at, caseID: caseID, agent: agent, kind: kind, detail: detail, notes: notes)
    }

    /// Queues the email that tells the approver an approval waits (when the approver has an address).
    private func notify(
        _ approver: String, of id: Int64, agent: String, action: ProposedAction, caseID: String, _ db: Database,
        _ at: Date
    ) throws {
        let notice = ApprovalNotice(blueprint: blueprint)
        guard let address = notice.address(of: approver) else { return }
        let payload = notice.email(
            to: address, id: id, agent: agent, action: action.kind, reason: action.reason, caseID: caseID)
        try Approvals.queueNotice(db, key: "notice-\(id)", caseID: caseID, at: at, payload: payload)
        try audit(db, at, caseID, ApprovalNotice.sender, .notified, "\(address) of approval #\(id)")
    }

    /// Queues a post of the event to webhook `hook`, once per event and webhook.
    private func queueWebhook(_ hook: Int, _ event: EventRecord, _ id: Int64, _ db: Database, _ at: Date) throws {
        let body = String(
            decoding: try JSONSerialization.data(
                withJSONObject: [
                    "event": id, "type": event.type, "case": event.caseID, "producer": event.producer,
                    "at": ISO8601DateFormatter().string(from: event.createdAt), "payload": event.payload,
                ] as [String: Any], options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        try RuntimeStore.queueAction(
            db, key: "webhook-\(id)-\(hook)", caseID: event.caseID, agent: ApprovalNotice.sender,
            action: WebhookSubscriptions.action, payloadJSON: StringMapJSON.encode(["hook": "\(hook)", "body": body]),
            at: at)
    }

    /// Actions the agent queued in the hour before `at`, plus those this commit queued
    /// (its `limits.actions_per_hour` counts these).
    private func actionsInTheLastHour(by agent: Agent, _ at: Date, _ db: Database, _ counts: inout Counts) throws
        -> Int
    {
        if let counted = counts.actionsByAgent[agent.id] { return counted }
        let counted =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM outbox WHERE agent = ? AND created_at > ?"),
                arguments: [agent.id, at.addingTimeInterval(-3600)]) ?? 0
        counts.actionsByAgent[agent.id] = counted
        return counted
    }

    /// Emails queued on the case so far.
    private func emailsQueued(in caseID: String, _ db: Database, _ counts: inout Counts) throws -> Int {
        if let counted = counts.emailsByCase[caseID] { return counted }
        let counted =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM outbox WHERE case_id = ? AND action = ?"),
                arguments: [caseID, ActionKind.emailSend]) ?? 0
        counts.emailsByCase[caseID] = counted
        return counted
    }
}

/// A write of one step that the store refused, with the waiting event the step came from.
struct StepRefused: Error {
    let root: EventRecord
    let at: Date
    let error: DatabaseError
}
