import Blueprint
import Foundation

extension Engine {
    /// What a commit did: events processed, and the cases dropped because their context moved on.
    struct Committed {
        var processed = 0
        var conflicts: [String] = []
    }

    /// Writes the outcomes of a step in one short transaction, oldest case first. A case whose
    /// context version or events changed since the step read them is left out and runs again from a
    /// new snapshot; a case whose writes the store refuses is left out and its try counted.
    ///
    /// Most commits hold neither: they are written straight (a store may hold the writes and send
    /// them together, ``RuntimeTransaction/holdWrites()``). Only when one does is the commit
    /// rolled back whole and written again case by case, each case in a savepoint of its own
    /// (``commitCaseByCase(_:)``) — a savepoint per case costs SQLite a copy of every page the case
    /// touches, which was a fifth of the commit's time.
    func commit(_ outcomes: [CaseOutcome]) async throws -> Committed {
        guard !outcomes.isEmpty else { return Committed() }
        let ordered = outcomes.sorted { $0.firstEventID < $1.firstEventID }
        do {
            return try await store.transaction { tx in
                tx.holdWrites()
                try tx.foresee { CommitForecast(ordered) }
                var counts = Counts(proposing: ordered)
                for outcome in ordered { try self.apply(outcome, tx, &counts) }
                return Committed(processed: ordered.reduce(0) { $0 + $1.steps.count })
            }
        } catch is ContextConflict {
        } catch is StepRefused {
        } catch is WriteCaseByCase {}
        return try await commitCaseByCase(ordered)
    }

    /// ``commit(_:)`` with each case in its own savepoint, rolled back alone when it conflicts or
    /// the store refuses it.
    private func commitCaseByCase(_ ordered: [CaseOutcome]) async throws -> Committed {
        try await store.transaction { tx in
            var committed = Committed()
            var counts = Counts(proposing: ordered)
            for outcome in ordered {
                let before = counts
                do {
                    try tx.atomically { try self.apply(outcome, tx, &counts) }
                    committed.processed += outcome.steps.count
                } catch let conflict as ContextConflict {
                    counts = before
                    committed.conflicts.append(conflict.caseID)
                } catch let refused as StepRefused {
                    // The store refused a write (a constraint, a trigger): nothing of the case is kept,
                    // and the try counts against the waiting event the refused step came from.
                    counts = before
                    try tx.atomically {
                        try self.recordFailure(
                            of: refused.root, .stored(refused.root.id!), [:], Self.message(refused.error),
                            at: refused.at, outcome.caseID, tx)
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
        /// When each agent's latest actions go (for `limits.actions_per_hour`).
        var windows: [String: ActionWindow] = [:]
        /// The most actions each agent may queue in the commit: all it proposes.
        let proposed: [String: Int]

        init(proposing outcomes: [CaseOutcome]) {
            var proposed: [String: Int] = [:]
            for outcome in outcomes {
                for step in outcome.steps {
                    guard case .ran(let runs) = step.result else { continue }
                    for run in runs { proposed[run.agent.id, default: 0] += run.outcome?.actions.count ?? 0 }
                }
            }
            self.proposed = proposed
        }
    }

    /// Writes one case's outcome; throws ``ContextConflict`` when it no longer applies.
    private func apply(_ outcome: CaseOutcome, _ tx: any RuntimeTransaction, _ counts: inout Counts) throws {
        var ids: [EventOrigin: Int64] = [:]
        // Each event's first waiting ancestor in the step (itself when it was stored before).
        var roots: [EventOrigin: EventRecord] = [:]
        for step in outcome.steps {
            if case .stored = step.origin { roots[step.origin] = step.event }
            let root = roots[step.origin]!
            do {
                try apply(step, outcome, &ids, tx, &counts)
                for origin in ids.keys where roots[origin] == nil { roots[origin] = root }
            } catch let error where store.isRefusal(error) {
                throw StepRefused(root: root, at: step.at, error: error)
            }
        }
        guard outcome.writes > 0 else { return }
        // The context is written once per step, and only over the version the step read.
        guard
            try tx.writeContext(
                caseID: outcome.caseID, contextJSON: outcome.contextJSON, version: outcome.version + outcome.writes,
                expected: outcome.version)
        else { throw ContextConflict(caseID: outcome.caseID) }
    }

    /// Writes one event's processing.
    private func apply(
        _ step: EventStep, _ outcome: CaseOutcome, _ ids: inout [EventOrigin: Int64], _ tx: any RuntimeTransaction,
        _ counts: inout Counts
    ) throws {
        let caseID = outcome.caseID
        let at = step.at
        switch step.result {
        case .cancelled:
            _ = try done(step, ids, tx, caseID, status: .cancelled)
            try audit(
                tx, at, caseID, step.event.producer, .cancelled, "\(step.event.type): a reply came in since it was set"
            )
        case .failed(let message):
            try recordFailure(of: step.event, step.origin, ids, message, at: at, caseID, tx)
        case .refused(let agent, let detail):
            _ = try done(step, ids, tx, caseID, status: .done)
            try audit(tx, at, caseID, nil, .event, "\(step.event.type) from \(step.event.producer)")
            try audit(tx, at, caseID, agent, .denied, detail)
        case .revised(let record, let detail):
            _ = try done(step, ids, tx, caseID, status: .done)
            try audit(tx, at, caseID, nil, .event, "\(step.event.type) from \(step.event.producer)")
            // Checked again: a person may have acted on the override since the step read it.
            guard try tx.openOverride(record.revises!, caseID: caseID) != nil else {
                try audit(
                    tx, at, caseID, nil, .denied,
                    "\(step.event.type): #\(record.revises!) is no longer an open override")
                return
            }
            _ = try tx.insertApproval(record)
            try audit(tx, at, caseID, record.agent, .approval, detail)
        case .ran(let runs):
            let id = try done(step, ids, tx, caseID, status: .done)
            try audit(tx, at, caseID, nil, .event, "\(step.event.type) from \(step.event.producer)")
            for hook in webhooks.hooks(for: step.event.type) { try queueWebhook(hook, step.event, id, tx, at) }
            for run in runs {
                try record(run, of: step, id: id, outcome, &ids, tx, &counts)
            }
        }
    }

    /// Marks a stored event as `status` (it must still be waiting), or finds the id of an emitted one.
    private func done(
        _ step: EventStep, _ ids: [EventOrigin: Int64], _ tx: any RuntimeTransaction, _ caseID: String,
        status: EventRecord.Status
    ) throws -> Int64 {
        guard case .stored(let id) = step.origin else { return ids[step.origin]! }
        // Someone else took it (a retry, a prune) since the step read it.
        guard try tx.finishEvent(id, as: status) else { throw ContextConflict(caseID: caseID) }
        return id
    }

    /// One agent's run: its audit lines, its actions through the gate, its emitted events.
    private func record(
        _ run: AgentRun, of step: EventStep, id: Int64, _ outcome: CaseOutcome, _ ids: inout [EventOrigin: Int64],
        _ tx: any RuntimeTransaction, _ counts: inout Counts
    ) throws {
        let (agent, caseID, at) = (run.agent, outcome.caseID, step.at)
        guard let result = run.outcome else {
            return try audit(
                tx, at, caseID, agent.id, .skill, "skill \(agent.skill) is not built in yet; event left unhandled")
        }
        try audit(
            tx, at, caseID, agent.id, .skill, result.notes["summary"] ?? "ran \(agent.skill)", notesJSON: run.notesJSON)
        for tool in result.refusedTools {
            try audit(tx, at, caseID, agent.id, .denied, "tool \(tool): not in \(agent.id)'s permissions")
        }
        if let spam = result.spam { try audit(tx, at, caseID, agent.id, .spam, "\(step.event.type): \(spam)") }
        for (index, action) in result.actions.enumerated() {
            let key = "\(id)-\(agent.id)-\(action.kind)-\(index)"
            let firstContact = try action.kind == .emailSend && emailsQueued(in: caseID, tx, &counts) == 0
            let json = run.actionsJSON[index]
            let decision = gate.decide(action, by: agent, firstContact: firstContact)
            switch decision {
            case .deny(let reason):
                try audit(tx, at, caseID, agent.id, .denied, "\(action.kind): \(reason)")
            case .needsApproval(let rule):
                let approvalID = try tx.insertApproval(
                    ApprovalRecord(
                        id: nil, caseID: caseID, agent: agent.id, action: action.kind, proposedJSON: json,
                        reason: action.reason, status: .pending, createdAt: at, approvedJSON: nil, decision: nil,
                        decidedAt: nil, evidenceJSON: StringMapJSON.encode(run.evidence)))
                try audit(tx, at, caseID, agent.id, .approval, "\(action.kind) waits for \(rule.approver)")
                try notify(rule.approver, of: approvalID, agent: agent.id, action: action, caseID: caseID, tx, at)
            case .allow:
                // Over its hourly limit, an agent's action waits for the next window, in the outbox.
                var window = try actionWindow(of: agent, at, tx, &counts)
                let wasDeferring = window.isDeferring(at: at)
                let goes = window.place(at: at, limit: agent.limits.actionsPerHour)
                let queued =
                    goes > at
                    ? try tx.deferAction(
                        key: key, caseID: caseID, agent: agent.id, action: action.kind, payloadJSON: json, at: at,
                        goes: goes)
                    : try tx.queueAction(
                        key: key, caseID: caseID, agent: agent.id, action: action.kind, payloadJSON: json, at: at)
                if queued {  // else queued before, and counted then
                    counts.windows[agent.id] = window
                    if action.kind == .emailSend { counts.emailsByCase[caseID, default: 0] += 1 }
                }
                guard queued && goes > at else {
                    try audit(tx, at, caseID, agent.id, .allowed, action.kind.rawValue)
                    continue
                }
                try audit(
                    tx, at, caseID, agent.id, .deferred,
                    "\(action.kind) goes at \(Self.stamp(goes)): \(agent.id) is over its \(agent.limits.actionsPerHour) actions an hour"
                )
                if !wasDeferring { try noticeLimit(of: agent, goes: goes, caseID: caseID, tx, at) }
            }
        }
        for type in run.undeclared {
            try audit(tx, at, caseID, agent.id, .denied, "emitting \(type), which the blueprint does not declare")
        }
        for index in run.emitted {
            let emitted = outcome.emitted[index]
            ids[.emitted(index)] = try tx.insertEvent(
                EmittedEventRow(
                    type: emitted.type, caseID: caseID, causationID: id, payloadJSON: emitted.payloadJSON,
                    producer: emitted.producer, status: emitted.handedOn ? .done : .pending, createdAt: at,
                    dueAt: emitted.dueAt))
            if let days = emitted.afterDays {
                try audit(tx, at, caseID, agent.id, .scheduled, "\(emitted.type) in \(days) days")
            }
        }
    }

    /// Counts a failed try against `event`: pending again for the next step, or dead after
    /// `maxEventAttempts`, with its error on the event and on its case's audit log. An event handed on
    /// within the step (stored as done by the event that emitted it) has not run after all.
    private func recordFailure(
        of event: EventRecord, _ origin: EventOrigin, _ ids: [EventOrigin: Int64], _ message: String, at: Date,
        _ caseID: String, _ tx: any RuntimeTransaction
    ) throws {
        let attempts = event.attempts + 1
        let dead = attempts >= maxEventAttempts
        let status = dead ? EventRecord.Status.dead : .pending
        let (id, waiting): (Int64, EventRecord.Status) =
            switch origin {
            case .stored(let id): (id, .pending)
            case .emitted: (ids[origin]!, .done)
            }
        guard
            try tx.recordEventFailure(
                id, waiting: waiting, status: status, attempts: attempts, error: message, deadAt: dead ? at : nil)
        else { throw ContextConflict(caseID: caseID) }
        if dead {
            try audit(
                tx, at, caseID, nil, .dead,
                "dead-lettered: \(message) (\(event.type) #\(id) failed \(attempts) times; `baton event retry \(id)` puts it back)"
            )
        } else {
            try audit(
                tx, at, caseID, nil, .failed,
                "\(event.type) #\(id) failed (try \(attempts) of \(maxEventAttempts)), tried again next batch: \(message)"
            )
        }
    }

    /// Appends a line to the case's audit log.
    private func audit(
        _ tx: any RuntimeTransaction, _ at: Date, _ caseID: String, _ agent: String?, _ kind: AuditKind,
        _ detail: String, notesJSON: String? = nil
    ) throws {
        try tx.appendAudit(at: at, caseID: caseID, agent: agent, kind: kind, detail: detail, notesJSON: notesJSON)
    }

    /// Queues the email that tells the approver an approval waits (when the approver has an address).
    private func notify(
        _ approver: String, of id: Int64, agent: String, action: ProposedAction, caseID: String,
        _ tx: any RuntimeTransaction, _ at: Date
    ) throws {
        let notice = ApprovalNotice(blueprint: blueprint)
        guard let address = notice.address(of: approver) else { return }
        let payload = notice.email(
            to: address, id: id, agent: agent, action: action.kind, reason: action.reason, caseID: caseID)
        try Approvals.queueNotice(tx, key: "notice-\(id)", caseID: caseID, at: at, payload: payload)
        try audit(tx, at, caseID, ApprovalNotice.sender, .notified, "\(address) of approval #\(id)")
    }

    /// Queues a post of the event to webhook `hook`, once per event and webhook.
    private func queueWebhook(
        _ hook: Int, _ event: EventRecord, _ id: Int64, _ tx: any RuntimeTransaction, _ at: Date
    ) throws {
        let body = String(
            decoding: try JSONSerialization.data(
                withJSONObject: [
                    "event": id, "type": event.type, "case": event.caseID, "producer": event.producer,
                    "at": ISO8601DateFormatter().string(from: event.createdAt), "payload": event.payload,
                ] as [String: Any], options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        try tx.queueAction(
            key: "webhook-\(id)-\(hook)", caseID: event.caseID, agent: ApprovalNotice.sender,
            action: WebhookSubscriptions.action, payloadJSON: StringMapJSON.encode(["hook": "\(hook)", "body": body]),
            at: at)
    }

    /// When the agent's latest actions go: read once per commit, then kept up to date as it queues.
    /// The store is told how many the commit may place: when those and the hour's stay under the
    /// limit, none waits for the hour to free up, and the store need not read the hour's times.
    private func actionWindow(
        of agent: Agent, _ at: Date, _ tx: any RuntimeTransaction, _ counts: inout Counts
    ) throws -> ActionWindow {
        if let window = counts.windows[agent.id] { return window }
        let window = try tx.actionWindow(
            of: agent.id, after: at.addingTimeInterval(-ActionWindow.hour), limit: agent.limits.actionsPerHour,
            proposing: counts.proposed[agent.id, default: 0])
        counts.windows[agent.id] = window
        return window
    }

    /// Tells the owner (by email, when the blueprint gives an address, and in the audit log the
    /// dashboard and the daily report show) that `agent` reached its limit: once per agent and window.
    private func noticeLimit(
        of agent: Agent, goes: Date, caseID: String, _ tx: any RuntimeTransaction, _ at: Date
    ) throws {
        let notice = ApprovalNotice(blueprint: blueprint)
        let limit = agent.limits.actionsPerHour
        let address = notice.address(of: "owner")
        if let address {
            let payload = notice.limitReached(to: address, agent: agent.id, limit: limit, goes: goes, caseID: caseID)
            // Keyed per agent and hour: a second notice in the same hour (or the same after a crash) is none.
            guard
                try tx.queueAction(
                    key: ApprovalNotice.limitKey(agent: agent.id, at: at), caseID: caseID,
                    agent: ApprovalNotice.sender, action: ApprovalNotice.action,
                    payloadJSON: StringMapJSON.encode(payload), at: at)
            else { return }
        }
        try audit(
            tx, at, caseID, agent.id, .limited,
            "reached \(limit) actions an hour; what it proposes beyond goes in the next hours, the first at \(Self.stamp(goes)); "
                + (address.map { "owner notified at \($0)" } ?? "no address for owner: nobody emailed"))
    }

    /// A time as the audit log shows it (ISO 8601, UTC).
    static func stamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// Emails queued on the case so far.
    private func emailsQueued(in caseID: String, _ tx: any RuntimeTransaction, _ counts: inout Counts) throws -> Int {
        if let counted = counts.emailsByCase[caseID] { return counted }
        let counted = try tx.emailsQueued(caseID: caseID)
        counts.emailsByCase[caseID] = counted
        return counted
    }
}

/// A write of one step that the store refused, with the waiting event the step came from.
struct StepRefused: Error {
    let root: EventRecord
    let at: Date
    let error: any Error
}
