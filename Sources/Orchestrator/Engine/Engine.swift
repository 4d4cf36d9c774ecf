import Blueprint
import Foundation
import GRDB

/// Routes pending events to the agents that consume them, runs their skills, passes every
/// proposed action through the policy gate, and records the outcome. One transaction per batch:
/// consuming events, writing context, emitting events and queueing actions commit together.
public final class Engine: Sendable {
    public let blueprint: Blueprint
    let store: RuntimeStore
    let gate: PolicyGate

    public init(blueprint: Blueprint, store: RuntimeStore) {
        self.blueprint = blueprint
        self.store = store
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

    /// Processes up to `limit` pending events in one transaction, including the events they emit,
    /// so that a lead usually goes through every agent in a single commit.
    public func processBatch(limit: Int) throws -> Int {
        try store.database.write { db in
            var processed = 0
            var contexts: [String: CaseContext] = [:]
            while processed < limit {
                let now = store.clock()
                let events = try EventRecord.filter(Column("status") == EventRecord.Status.pending.rawValue)
                    .filter(Column("due_at") == nil || Column("due_at") <= now)
                    .order(Column("id")).limit(limit - processed).fetchAll(db)
                if events.isEmpty { break }
                for event in events { try process(event, db, &contexts) }
                processed += events.count
            }
            // Each case's context is written once per batch, checked against the version it was read at.
            for (caseID, context) in contexts {
                let json = String(decoding: try JSONEncoder.sortedKeys.encode(context.notes), as: UTF8.self)
                try db.cachedStatement(
                    sql: """
                        INSERT INTO case_context (case_id, context_json, version) VALUES (?, ?, ?)
                        ON CONFLICT (case_id) DO UPDATE SET context_json = excluded.context_json, version = excluded.version
                        WHERE case_context.version = ?
                        """
                ).execute(arguments: [caseID, json, context.version + context.writes, context.version])
                // Another writer moved the context on since this batch read it: roll the batch back.
                guard db.changesCount == 1 else { throw ContextConflict(caseID: caseID) }
            }
            return processed
        }
    }

    private func audit(_ db: Database, _ caseID: String, _ agent: String?, _ kind: String, _ detail: String) throws {
        // A cached statement: the audit log is the engine's most frequent write.
        try db.cachedStatement(sql: "INSERT INTO audit (at, case_id, agent, kind, detail) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [store.clock(), caseID, agent, kind, detail])
    }

    private func insertEvent(
        _ db: Database, type: String, caseID: String, causedBy: Int64?, payloadJSON: String, producer: String,
        dueAt: Date?
    ) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO event (type, case_id, causation_id, payload_json, producer, status, created_at, due_at)
                VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
                """
        ).execute(arguments: [type, caseID, causedBy, payloadJSON, producer, store.clock(), dueAt])
    }

    /// A case's shared context while a batch works on it.
    struct CaseContext {
        var notes: [String: [String: String]]
        /// The version it was read at.
        let version: Int
        /// How many events of the batch wrote to it: the version advances by as many.
        var writes = 0
    }

    private func process(_ event: EventRecord, _ db: Database, _ contexts: inout [String: CaseContext]) throws {
        if event.dueAt != nil, try theOtherSideWrote(since: event, db) {
            // A reminder is moot once the lead (or customer) has written back on the case.
            try db.execute(sql: "UPDATE event SET status = 'cancelled' WHERE id = ?", arguments: [event.id])
            try audit(db, event.caseID, event.producer, "cancelled", "\(event.type): a reply came in since it was set")
            return
        }
        try db.cachedStatement(sql: "UPDATE event SET status = 'done' WHERE id = ?").execute(arguments: [event.id])
        try audit(db, event.caseID, nil, "event", "\(event.type) from \(event.producer)")
        let payload = event.payload.mapValues { "\($0)" }
        if contexts[event.caseID] == nil {
            let (notes, version) = try RuntimeStore.context(db, event.caseID)
            contexts[event.caseID] = CaseContext(notes: notes, version: version)
        }
        var notes = contexts[event.caseID]!.notes
        if Self.isExternal(event.producer) {
            // A later message adds to what the first one said; it does not erase the lead's details.
            notes["intake", default: [:]].merge(payload) { $1 }
        }
        for agent in blueprint.agents where agent.consumes.contains(event.type) {
            guard let skill = SkillRegistry.skill(named: agent.skill) else {
                try audit(
                    db, event.caseID, agent.id, "skill",
                    "skill \(agent.skill) is not built in yet; event left unhandled")
                continue
            }
            let input = SkillInput(
                event: event, payload: payload, context: notes, agent: agent, business: blueprint.business,
                now: store.clock())
            let outcome = skill.run(input, tools: try tools(for: agent, db))
            notes[agent.id] = outcome.notes
            try audit(db, event.caseID, agent.id, "skill", outcome.notes["summary"] ?? "ran \(agent.skill)")
            for tool in outcome.refusedTools {
                try audit(db, event.caseID, agent.id, "denied", "tool \(tool): not in \(agent.id)'s permissions")
            }
            for (index, action) in outcome.actions.enumerated() {
                let key = "\(event.id!)-\(agent.id)-\(action.kind)-\(index)"
                let earlierEmails =
                    try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM outbox WHERE case_id = ? AND action = 'email.send'",
                        arguments: [event.caseID]) ?? 0
                let firstContact = action.kind == "email.send" && earlierEmails == 0
                let json = String(
                    decoding: try JSONSerialization.data(
                        withJSONObject: action.payload, options: [.sortedKeys, .withoutEscapingSlashes]),
                    as: UTF8.self)
                var decision = gate.decide(action, by: agent, firstContact: firstContact)
                if decision == .allow, try actionsInTheLastHour(by: agent, db) >= agent.limits.actionsPerHour {
                    // A runaway agent is stopped by its limit: what it proposes beyond waits for a person.
                    try audit(
                        db, event.caseID, agent.id, "limited",
                        "\(action.kind): over \(agent.limits.actionsPerHour) actions an hour")
                    decision = .needsApproval(PolicyGate.ownerApproval(of: action.kind))
                }
                switch decision {
                case .deny(let reason):
                    try audit(db, event.caseID, agent.id, "denied", "\(action.kind): \(reason)")
                case .needsApproval(let rule):
                    try ApprovalRecord(
                        id: nil, caseID: event.caseID, agent: agent.id, action: action.kind, proposedJSON: json,
                        reason: action.reason,
                        status: .pending, createdAt: store.clock(), approvedJSON: nil, decision: nil, decidedAt: nil
                    ).insert(db)
                    try audit(db, event.caseID, agent.id, "approval", "\(action.kind) waits for \(rule.approver)")
                case .allow:
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at)
                            VALUES (?, ?, ?, ?, ?, 'queued', 0, ?)
                            """, arguments: [key, event.caseID, agent.id, action.kind, json, store.clock()])
                    try audit(db, event.caseID, agent.id, "allowed", action.kind)
                }
            }
            for emitted in outcome.emits {
                guard agent.emits.contains(emitted.type) else {
                    try audit(
                        db, event.caseID, agent.id, "denied",
                        "emitting \(emitted.type), which the blueprint does not declare")
                    continue
                }
                let json = String(
                    decoding: try JSONSerialization.data(
                        withJSONObject: emitted.payload, options: [.sortedKeys, .withoutEscapingSlashes]),
                    as: UTF8.self)
                try insertEvent(
                    db, type: emitted.type, caseID: event.caseID, causedBy: event.id, payloadJSON: json,
                    producer: agent.id, dueAt: nil)
            }
            for later in outcome.delayed where agent.emits.contains(later.type) {
                try insertEvent(
                    db, type: later.type, caseID: event.caseID, causedBy: event.id, payloadJSON: "{}",
                    producer: agent.id,
                    dueAt: localDays(later.afterDays, after: store.clock()))
                try audit(db, event.caseID, agent.id, "scheduled", "\(later.type) in \(later.afterDays) days")
            }
        }
        contexts[event.caseID]!.notes = notes
        contexts[event.caseID]!.writes += 1
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

    /// Actions the agent queued in the hour before now (its `limits.actions_per_hour` counts these).
    private func actionsInTheLastHour(by agent: Agent, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT count(*) FROM outbox WHERE agent = ? AND created_at > ?"),
            arguments: [agent.id, store.clock().addingTimeInterval(-3600)]) ?? 0
    }

    /// The tools an agent's permissions grant, and no others.
    private func tools(for agent: Agent, _ db: Database) throws -> Tools {
        guard agent.permissions.contains("calendar.read") else { return Tools(freeSlots: nil) }
        let busy = try Row.fetchAll(db, sql: "SELECT starts_at, ends_at FROM calendar_busy").map { row in
            DateInterval(start: row["starts_at"], end: row["ends_at"])
        }
        let finder = SlotFinder(
            hours: blueprint.business.workingHours, timeZone: blueprint.business.timeZone, busy: busy,
            from: store.clock())
        return Tools(freeSlots: { count, minutes in finder.slots(count: count, minutes: minutes) })
    }
}

extension JSONEncoder {
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

/// A case's shared context changed under a batch, which is rolled back and can simply run again.
public struct ContextConflict: Error, CustomStringConvertible {
    public let caseID: String
    public var description: String { "the context of case \(caseID) was changed by another writer; run again" }
}
