import Blueprint
import Foundation
import GRDB
import Synchronization

/// Routes pending events to the agents that consume them, runs their skills, passes every
/// proposed action through the policy gate, and records the outcome. One transaction per batch:
/// consuming events, writing context, emitting events and queueing actions commit together.
///
/// Each event runs in its own savepoint: an event whose processing throws is rolled back alone,
/// counted against it, and tried again with the next batch while the rest of the batch goes on;
/// after `maxEventAttempts` failures it is moved to the dead letters (status `dead`, with its error)
/// and its case says so, until a person puts it back (``RuntimeStore/retryDeadEvent(_:)``).
public final class Engine: Sendable {
    public let blueprint: Blueprint
    let store: RuntimeStore
    let gate: PolicyGate

    /// Language models by agent id, for the agents whose settings enable one.
    let models: [String: LanguageModel]
    /// The outgoing webhooks and the events they want.
    let webhooks: WebhookSubscriptions
    /// The skills agents run, by name.
    let skills: SkillRegistry
    /// How many times an event's processing may fail before it is moved to the dead letters.
    public let maxEventAttempts: Int

    /// Tries before an event is dead-lettered, unless `baton run --max-event-attempts` says otherwise.
    public static let defaultMaxEventAttempts = 3

    /// - Parameters:
    ///   - skills: the skills by name (the built-in ones unless a caller registers its own).
    ///   - maxEventAttempts: failed tries before an event is dead-lettered (at least 1).
    public init(
        blueprint: Blueprint, store: RuntimeStore, models: [String: LanguageModel] = [:],
        skills: SkillRegistry = .builtIn, maxEventAttempts: Int = Engine.defaultMaxEventAttempts
    ) {
        self.blueprint = blueprint
        self.store = store
        self.models = models
        self.skills = skills
        self.maxEventAttempts = max(1, maxEventAttempts)
        webhooks = WebhookSubscriptions(blueprint)
        gate = PolicyGate(blueprint: blueprint)
    }

    /// Processes pending events until none is left; returns how many were processed.
    @discardableResult
    public func runUntilIdle(batchSize: Int = 256) throws -> Int {
        var total = 0
        while true {
            let processed = try processBatch(limit: batchSize)
            total += processed
            if processed == 0 { return total }
        }
    }

    /// Processes up to `limit` pending events in one transaction, and the events they emit in turn,
    /// so that a lead goes through every agent in a single commit. Emitted events are handed on in
    /// memory (stored as done in the same transaction) rather than read back; a chain that would go
    /// on past `16 × limit` events leaves the rest pending for the next batch.
    ///
    /// An event whose processing throws is rolled back alone and counted as a failed try (it is then
    /// pending again, or dead after `maxEventAttempts`); the later events of its case wait for the
    /// next batch, so a case's events keep their order, and other cases go on. Failed tries count as
    /// processed, so ``runUntilIdle(batchSize:)`` ends once every failing event is dead.
    public func processBatch(limit: Int) throws -> Int {
        try store.database.write { db in
            let now = store.clock()
            var batch = Batch(cap: 16 * limit)
            var queue = try waitingEvents(db, now: now, limit: limit)
            batch.taken = queue.count
            var processed = 0
            // Cases with an event that failed in this batch: their later events wait, in order.
            var held: Set<String> = []
            while !queue.isEmpty {
                var next: [EventRecord] = []
                for event in queue {
                    if held.contains(event.caseID) {
                        // A handed-on event was stored as done: it goes back to wait its turn.
                        try db.execute(
                            sql: "UPDATE event SET status = 'pending' WHERE id = ? AND status = 'done'",
                            arguments: [event.id])
                        continue
                    }
                    processed += 1
                    let before = batch
                    let handedOn = next.count
                    do {
                        try db.inSavepoint {
                            try process(event, db, &batch, handOn: &next)
                            return .commit
                        }
                    } catch let error as DatabaseError where Self.isTransient(error) {
                        // The store itself failed (busy, full, I/O): not the event's fault; the batch fails.
                        throw error
                    } catch {
                        batch = before
                        next.removeSubrange(handedOn...)
                        held.insert(event.caseID)
                        try recordFailure(of: event, error, db, &batch)
                    }
                }
                queue = next
            }
            // Each case's context is written once per batch, checked against the version it was read at.
            for (caseID, context) in batch.contexts {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO case_context (case_id, context_json, version) VALUES (?, ?, ?)
                        ON CONFLICT (case_id) DO UPDATE SET context_json = excluded.context_json, version = excluded.version
                        WHERE case_context.version = ?
                        """
                ).execute(arguments: [
                    caseID, StringMapJSON.encode(context.notes), context.version + context.writes, context.version,
                ])
                // Another writer moved the context on since this batch read it: roll the batch back.
                guard db.changesCount == 1 else { throw ContextConflict(caseID: caseID) }
            }
            return processed
        }
    }

    /// Counts a failed try against `event` (rolled back already): pending again for the next batch,
    /// or dead after `maxEventAttempts`, with its error on the event and on its case's audit log.
    private func recordFailure(of event: EventRecord, _ error: any Error, _ db: Database, _ batch: inout Batch) throws {
        batch.tick(store.clock())
        let message = Self.message(error)
        let attempts =
            try Int.fetchOne(db, sql: "SELECT attempts FROM event WHERE id = ?", arguments: [event.id]).map { $0 + 1 }
            ?? 1
        let dead = attempts >= maxEventAttempts
        try db.execute(
            sql: "UPDATE event SET status = ?, attempts = ?, last_error = ?, dead_at = ? WHERE id = ?",
            arguments: [
                dead ? EventRecord.Status.dead.rawValue : EventRecord.Status.pending.rawValue, attempts, message,
                dead ? batch.now : nil, event.id,
            ])
        if dead {
            try audit(
                db, batch, event.caseID, nil, "dead",
                "dead-lettered: \(message) (\(event.type) #\(event.id!) failed \(attempts) times; `baton event retry \(event.id!)` puts it back)"
            )
        } else {
            try audit(
                db, batch, event.caseID, nil, "failed",
                "\(event.type) #\(event.id!) failed (try \(attempts) of \(maxEventAttempts)), tried again next batch: \(message)"
            )
        }
    }

    /// An error as one line a person can read.
    static func message(_ error: any Error) -> String {
        let text = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.count > 500 ? String(text.prefix(500)) + "…" : text
    }

    /// Failures of the store rather than of an event: the whole batch is tried again later.
    static func isTransient(_ error: DatabaseError) -> Bool {
        [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_NOMEM, .SQLITE_READONLY, .SQLITE_CANTOPEN]
            .contains(error.resultCode)
    }

    /// Up to `limit` waiting events, oldest first: those ready now, and delayed ones that are due.
    /// Each query has its own partial index, which holds only what waits.
    private func waitingEvents(_ db: Database, now: Date, limit: Int) throws -> [EventRecord] {
        let ready = try EventRecord.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM event WHERE status = 'pending' AND due_at IS NULL ORDER BY id LIMIT ?"),
            arguments: [limit])
        let due = try EventRecord.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT * FROM event WHERE status = 'pending' AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?"
            ), arguments: [now, limit])
        return Array((ready + due).sorted { $0.id! < $1.id! }.prefix(limit))
    }

    /// What a batch keeps while it runs: the contexts it works on, and counts it would otherwise
    /// query for every action.
    struct Batch {
        /// How many events the batch may take on in all, emitted ones included.
        let cap: Int
        /// Events taken on so far.
        var taken = 0
        var contexts: [String: CaseContext] = [:]
        /// Emails queued per case (for the `first_contact` condition).
        var emailsByCase: [String: Int] = [:]
        /// Actions queued by each agent in the last hour (for `limits.actions_per_hour`).
        var actionsByAgent: [String: Int] = [:]
        /// The payloads of events handed on within the batch, so they are not parsed back from JSON.
        var payloads: [Int64: [String: String]] = [:]
        /// The built-in calendar's busy times, read once.
        var busy: [DateInterval]?
        /// Free slots found so far (the calendar does not change within a batch).
        let slots = FoundSlots()
        /// The time of the event being processed, which its records carry, and its stored form.
        var now = Date.distantPast
        var stamp = ""

        /// Moves the batch's clock to `date`.
        mutating func tick(_ date: Date) {
            now = date
            stamp = StoredDate.text(date)
        }
    }

    private func audit(
        _ db: Database, _ batch: Batch, _ caseID: String, _ agent: String?, _ kind: String, _ detail: String,
        notes: [String: String]? = nil
    ) throws {
        // A cached statement: the audit log is the engine's most frequent write.
        try HotStatement.execute(
            db.cachedStatement(
                sql: "INSERT INTO audit (at, case_id, agent, kind, detail, notes_json) VALUES (?, ?, ?, ?, ?, ?)"),
            [
                .text(batch.stamp), .text(caseID), HotValue(agent), .text(kind), .text(detail),
                HotValue(notes.map(StringMapJSON.encode)),
            ])
    }

    /// Stores an emitted event; returns it when this batch processes it too (it is then stored as done).
    private func insertEvent(
        _ db: Database, type: String, caseID: String, causedBy: Int64?, payload: [String: String], producer: String,
        dueAt: Date?, batch: inout Batch
    ) throws -> EventRecord? {
        let payloadJSON = StringMapJSON.encode(payload)
        let handedOn = dueAt == nil && batch.taken < batch.cap
        var event = EventRecord(
            id: nil, type: type, caseID: caseID, causationID: causedBy, payloadJSON: payloadJSON, producer: producer,
            idempotencyKey: nil, status: handedOn ? .done : .pending, createdAt: batch.now, dueAt: dueAt)
        try HotStatement.execute(
            db.cachedStatement(
                sql: """
                    INSERT INTO event (type, case_id, causation_id, payload_json, producer, status, created_at, due_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """),
            [
                .text(type), .text(caseID), HotValue(causedBy), .text(payloadJSON), .text(producer),
                .text(event.status.rawValue), .text(batch.stamp), HotValue(dueAt.map(StoredDate.text)),
            ])
        guard handedOn else { return nil }
        event.id = db.lastInsertedRowID
        batch.taken += 1
        batch.payloads[event.id!] = payload
        return event
    }

    /// Free slots by count and length, shared by the skills of one batch.
    final class FoundSlots: Sendable {
        let cache = Mutex<[[Int]: [Date]]>([:])
    }

    /// A case's shared context while a batch works on it.
    struct CaseContext {
        var notes: [String: [String: String]]
        /// The version it was read at.
        let version: Int
        /// How many events of the batch wrote to it: the version advances by as many.
        var writes = 0
    }

    private func process(
        _ event: EventRecord, _ db: Database, _ batch: inout Batch, handOn next: inout [EventRecord]
    ) throws {
        batch.tick(store.clock())
        if event.dueAt != nil, try theOtherSideWrote(since: event, db) {
            // A reminder is moot once the lead (or customer) has written back on the case.
            try db.execute(sql: "UPDATE event SET status = 'cancelled' WHERE id = ?", arguments: [event.id])
            try audit(
                db, batch, event.caseID, event.producer, "cancelled", "\(event.type): a reply came in since it was set")
            return
        }
        if event.status == .pending {
            try HotStatement.execute(
                db.cachedStatement(sql: "UPDATE event SET status = 'done' WHERE id = ?"), [HotValue(event.id)])
        }
        try audit(db, batch, event.caseID, nil, "event", "\(event.type) from \(event.producer)")
        if event.type == Self.overrideEvent { return try resubmit(event, db, &batch) }
        for hook in webhooks.hooks(for: event.type) { try queueWebhook(hook, event, db, batch) }
        let payload = batch.payloads.removeValue(forKey: event.id!) ?? event.payload.mapValues { "\($0)" }
        if batch.contexts[event.caseID] == nil {
            let (notes, version) = try RuntimeStore.context(db, event.caseID)
            batch.contexts[event.caseID] = CaseContext(notes: notes, version: version)
        }
        var notes = batch.contexts[event.caseID]!.notes
        if Self.isExternal(event.producer) {
            // A later message adds to what the first one said; it does not erase the lead's details.
            notes["intake", default: [:]].merge(payload) { $1 }
        }
        for agent in blueprint.agents where agent.consumes.contains(event.type) {
            guard let skill = skills.skill(named: agent.skill) else {
                try audit(
                    db, batch, event.caseID, agent.id, "skill",
                    "skill \(agent.skill) is not built in yet; event left unhandled")
                continue
            }
            let input = SkillInput(
                event: event, payload: payload, context: notes, agent: agent, business: blueprint.business,
                now: batch.now)
            let outcome = try skill.run(input, tools: try tools(for: agent, db, &batch))
            notes[agent.id] = outcome.notes
            try audit(
                db, batch, event.caseID, agent.id, "skill", outcome.notes["summary"] ?? "ran \(agent.skill)",
                notes: outcome.notes)
            for tool in outcome.refusedTools {
                try audit(db, batch, event.caseID, agent.id, "denied", "tool \(tool): not in \(agent.id)'s permissions")
            }
            for (index, action) in outcome.actions.enumerated() {
                let key = "\(event.id!)-\(agent.id)-\(action.kind)-\(index)"
                let firstContact = try action.kind == "email.send" && emailsQueued(in: event.caseID, db, &batch) == 0
                let json = StringMapJSON.encode(action.payload)
                var decision = gate.decide(action, by: agent, firstContact: firstContact)
                if decision == .allow, try actionsInTheLastHour(by: agent, db, &batch) >= agent.limits.actionsPerHour {
                    // A runaway agent is stopped by its limit: what it proposes beyond waits for a person.
                    try audit(
                        db, batch, event.caseID, agent.id, "limited",
                        "\(action.kind): over \(agent.limits.actionsPerHour) actions an hour")
                    decision = .needsApproval(PolicyGate.ownerApproval(of: action.kind))
                }
                switch decision {
                case .deny(let reason):
                    try audit(db, batch, event.caseID, agent.id, "denied", "\(action.kind): \(reason)")
                case .needsApproval(let rule):
                    try ApprovalRecord(
                        id: nil, caseID: event.caseID, agent: agent.id, action: action.kind, proposedJSON: json,
                        reason: action.reason,
                        status: .pending, createdAt: batch.now, approvedJSON: nil, decision: nil, decidedAt: nil,
                        evidenceJSON: StringMapJSON.encode(notes)
                    ).insert(db)
                    let approvalID = db.lastInsertedRowID
                    try audit(
                        db, batch, event.caseID, agent.id, "approval", "\(action.kind) waits for \(rule.approver)")
                    try notify(
                        rule.approver, of: approvalID, agent: agent.id, action: action, caseID: event.caseID, db, batch)
                case .allow:
                    try HotStatement.execute(
                        db.cachedStatement(
                            sql: """
                                INSERT OR IGNORE INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at)
                                VALUES (?, ?, ?, ?, ?, 'queued', 0, ?)
                                """),
                        [
                            .text(key), .text(event.caseID), .text(agent.id), .text(action.kind), .text(json),
                            .text(batch.stamp),
                        ])
                    if db.changesCount == 1 {
                        batch.actionsByAgent[agent.id, default: 0] += 1
                        if action.kind == "email.send" { batch.emailsByCase[event.caseID, default: 0] += 1 }
                    }
                    try audit(db, batch, event.caseID, agent.id, "allowed", action.kind)
                }
            }
            for emitted in outcome.emits {
                guard agent.emits.contains(emitted.type) else {
                    try audit(
                        db, batch, event.caseID, agent.id, "denied",
                        "emitting \(emitted.type), which the blueprint does not declare")
                    continue
                }
                if let handedOn = try insertEvent(
                    db, type: emitted.type, caseID: event.caseID, causedBy: event.id,
                    payload: emitted.payload, producer: agent.id, dueAt: nil, batch: &batch)
                {
                    next.append(handedOn)
                }
            }
            for later in outcome.delayed where agent.emits.contains(later.type) {
                _ = try insertEvent(
                    db, type: later.type, caseID: event.caseID, causedBy: event.id, payload: [:],
                    producer: agent.id, dueAt: localDays(later.afterDays, after: batch.now), batch: &batch)
                try audit(db, batch, event.caseID, agent.id, "scheduled", "\(later.type) in \(later.afterDays) days")
            }
        }
        batch.contexts[event.caseID]!.notes = notes
        batch.contexts[event.caseID]!.writes += 1
    }

    /// Queues the email that tells the approver an approval waits (when the approver has an address).
    private func notify(
        _ approver: String, of id: Int64, agent: String, action: ProposedAction, caseID: String, _ db: Database,
        _ batch: Batch
    ) throws {
        let notice = ApprovalNotice(blueprint: blueprint)
        guard let address = notice.address(of: approver) else { return }
        let payload = notice.email(
            to: address, id: id, agent: agent, action: action.kind, reason: action.reason, caseID: caseID)
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at)
                VALUES (?, ?, ?, ?, ?, 'queued', 0, ?)
                """,
            arguments: [
                "notice-\(id)", caseID, ApprovalNotice.sender, ApprovalNotice.action, StringMapJSON.encode(payload),
                batch.now,
            ])
        try audit(db, batch, caseID, ApprovalNotice.sender, "notified", "\(address) of approval #\(id)")
    }

    /// Queues a post of the event to webhook `hook`, once per event and webhook.
    private func queueWebhook(_ hook: Int, _ event: EventRecord, _ db: Database, _ batch: Batch) throws {
        let body = String(
            decoding: try JSONSerialization.data(
                withJSONObject: [
                    "event": event.id!, "type": event.type, "case": event.caseID, "producer": event.producer,
                    "at": ISO8601DateFormatter().string(from: event.createdAt), "payload": event.payload,
                ] as [String: Any], options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at)
                VALUES (?, ?, ?, ?, ?, 'queued', 0, ?)
                """,
            arguments: [
                "webhook-\(event.id!)-\(hook)", event.caseID, ApprovalNotice.sender, WebhookSubscriptions.action,
                StringMapJSON.encode(["hook": "\(hook)", "body": body]), batch.now,
            ])
    }

    /// The event that sends an overridden approval back to its agent with the person's instructions.
    public static let overrideEvent = "approval.overridden"

    /// The agent applies the person's instructions to its overridden proposal and resubmits it: the
    /// revision passes the policy gate again and, unless refused, waits as a new approval (a person
    /// asked for changes, so a person sees them before anything leaves).
    private func resubmit(_ event: EventRecord, _ db: Database, _ batch: inout Batch) throws {
        let request = event.payload.mapValues { "\($0)" }
        // Only a person's override (through `Approvals`) sends a proposal back, and only once.
        guard event.producer == Approvals.producer, let id = Int64(request["approval"] ?? ""),
            let original = try ApprovalRecord.fetchOne(db, key: id), original.status == .overridden,
            original.caseID == event.caseID,
            try ApprovalRecord.filter(Column("revises") == id).fetchCount(db) == 0
        else {
            return try audit(
                db, batch, event.caseID, nil, "denied",
                "\(event.type) from \(event.producer): not an open override of this case")
        }
        guard let agent = blueprint.agents.first(where: { $0.id == original.agent }) else {
            return try audit(
                db, batch, event.caseID, original.agent, "denied",
                "\(original.action) #\(id): \(original.agent) is not in the running blueprint")
        }
        var proposed = try Approvals.payload(original.proposedJSON)
        proposed["instructions"] = nil
        let instructions = request["instructions"] ?? ""
        var revision = OwnerInstructions(instructions).apply(
            to: proposed, timeZone: blueprint.business.timeZone, freeSlots: try tools(for: agent, db, &batch).freeSlots)
        let action = ProposedAction(kind: original.action, payload: revision.payload, reason: original.reason)
        if case .deny(let reason) = gate.decide(action, by: agent, firstContact: false) {
            return try audit(
                db, batch, event.caseID, agent.id, "denied", "\(action.kind) revision of #\(id): \(reason)")
        }
        // Kept beside the proposal for the approver; the dispatcher never sends it.
        revision.payload["instructions"] = instructions
        let applied =
            revision.applied.isEmpty ? "nothing applied" : "applied: " + revision.applied.joined(separator: ", ")
        let notApplied =
            revision.notApplied.isEmpty ? "" : "; not applied: " + revision.notApplied.joined(separator: "; ")
        try ApprovalRecord(
            id: nil, caseID: event.caseID, agent: agent.id, action: action.kind,
            proposedJSON: StringMapJSON.encode(revision.payload),
            reason: "\(original.reason), revised with the owner's instructions (\(applied)\(notApplied))",
            status: .pending, createdAt: batch.now, approvedJSON: nil, decision: nil, decidedAt: nil,
            evidenceJSON: original.evidenceJSON, revises: id
        ).insert(db)
        try audit(
            db, batch, event.caseID, agent.id, "approval",
            "\(action.kind) revised from #\(id) (\(applied)\(notApplied)) waits for a person")
    }

    /// The same local time `days` calendar days later in the business's time zone (so a step due in
    /// two days stays at 10:00 across a daylight-saving change, 47 or 49 hours later).
    func localDays(_ days: Int, after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: blueprint.business.timeZone) ?? .gmt
        return calendar.date(byAdding: .day, value: days, to: date) ?? date.addingTimeInterval(Double(days) * 86400)
    }

    /// Producers outside the system: a form or a mailbox (`intake`), or `baton event send` (`cli`).
    static let externalProducers = ["intake", "cli"]

    static func isExternal(_ producer: String) -> Bool { externalProducers.contains(producer) }

    /// Whether an event from outside arrived on the delayed event's case after it was set.
    private func theOtherSideWrote(since delayed: EventRecord, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM event WHERE case_id = ? AND id > ? AND producer IN (\(databaseQuestionMarks(count: Self.externalProducers.count))))
                """, arguments: [delayed.caseID, delayed.id] + StatementArguments(Self.externalProducers)) ?? false
    }

    /// Actions the agent queued in the hour before the batch began, plus those the batch queued
    /// (its `limits.actions_per_hour` counts these).
    private func actionsInTheLastHour(by agent: Agent, _ db: Database, _ batch: inout Batch) throws -> Int {
        if let counted = batch.actionsByAgent[agent.id] { return counted }
        let counted =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM outbox WHERE agent = ? AND created_at > ?"),
                arguments: [agent.id, batch.now.addingTimeInterval(-3600)]) ?? 0
        batch.actionsByAgent[agent.id] = counted
        return counted
    }

    /// Emails queued on the case so far.
    private func emailsQueued(in caseID: String, _ db: Database, _ batch: inout Batch) throws -> Int {
        if let counted = batch.emailsByCase[caseID] { return counted }
        let counted =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM outbox WHERE case_id = ? AND action = 'email.send'"),
                arguments: [caseID]) ?? 0
        batch.emailsByCase[caseID] = counted
        return counted
    }

    /// The tools an agent's permissions grant, and no others.
    private func tools(for agent: Agent, _ db: Database, _ batch: inout Batch) throws -> Tools {
        guard agent.permissions.contains("calendar.read") else { return Tools(model: models[agent.id]) }
        if batch.busy == nil {
            batch.busy = try Row.fetchAll(db, sql: "SELECT starts_at, ends_at FROM calendar_busy").map { row in
                DateInterval(start: row["starts_at"], end: row["ends_at"])
            }
        }
        let busy = batch.busy!
        let finder = SlotFinder(
            hours: blueprint.business.workingHours, timeZone: blueprint.business.timeZone, busy: busy,
            from: batch.now)
        // Found once per batch: every lead of the batch is offered the same free times.
        let found = batch.slots
        return Tools(
            freeSlots: { count, minutes in
                found.cache.withLock { cache in
                    if let slots = cache[[count, minutes]] { return slots }
                    let slots = finder.slots(count: count, minutes: minutes)
                    cache[[count, minutes]] = slots
                    return slots
                }
            }, isFree: { start, minutes in finder.isFree(start, minutes: minutes) }, model: models[agent.id])
    }
}

/// A case's shared context changed under a batch, which is rolled back and can simply run again.
public struct ContextConflict: Error, CustomStringConvertible {
    public let caseID: String
    public var description: String { "the context of case \(caseID) was changed by another writer; run again" }
}
