import Blueprint
import Foundation

/// Routes waiting events to the agents that consume them, runs their skills, passes every proposed
/// action through the policy gate, and records the outcome.
///
/// A step has three parts, and only the first and last touch the database:
/// 1. one short read: the waiting events, their cases' contexts with their versions, and what the
///    skills and decisions depend on (``StepSnapshot``);
/// 2. the skills, outside any transaction, concurrently across cases and in order within a case,
///    each that may wait within its timeout (``CaseStep``, pure);
/// 3. one short write: events done, context written if still at the version read, emitted events,
///    actions through the gate, approvals, audit lines (``commit(_:)``). A case whose context moved
///    on meanwhile is dropped from the write and runs again from its new snapshot.
///
/// An event whose processing throws is counted against it and tried again with the next step while
/// the rest goes on; after `maxEventAttempts` failures it is moved to the dead letters (status
/// `dead`, with its error) until a person puts it back (``RuntimeStore/retryDeadEvent(_:)``).
public final class Engine: Sendable {
    public let blueprint: Blueprint
    let store: any RuntimeStorage
    let gate: PolicyGate
    /// The pure part of a step.
    let step: CaseStep
    /// The outgoing webhooks and the events they want.
    let webhooks: WebhookSubscriptions
    /// How many times an event's processing may fail before it is moved to the dead letters.
    public let maxEventAttempts: Int
    /// Whether any agent reads the calendar (else the step does not read busy times).
    let readsCalendar: Bool
    /// The booking page's links the scheduling agent's replies carry, when it is served.
    let bookingLinks: BookingLinks?

    /// Tries before an event is dead-lettered, unless `baton run --max-event-attempts` says otherwise.
    public static let defaultMaxEventAttempts = 3

    /// How long a skill that may wait (on a model, or one of one's own) may take before its event
    /// counts a failed try, unless the caller says otherwise.
    public static let defaultSkillTimeout: Duration = .seconds(120)

    /// - Parameters:
    ///   - models: language models by agent id, for the agents whose settings enable one.
    ///   - skills: the skills by name (the built-in ones unless a caller registers its own).
    ///   - maxEventAttempts: failed tries before an event is dead-lettered (at least 1).
    ///   - skillTimeout: how long a skill that may wait may take.
    ///   - bookingLinks: the booking page's links, when `baton run` serves it at a public URL.
    package init(
        blueprint: Blueprint, store: any RuntimeStorage, models: [String: LanguageModel] = [:],
        skills: SkillRegistry = .builtIn, maxEventAttempts: Int = Engine.defaultMaxEventAttempts,
        skillTimeout: Duration = Engine.defaultSkillTimeout, bookingLinks: BookingLinks? = nil
    ) {
        self.blueprint = blueprint
        self.bookingLinks = bookingLinks
        self.store = store
        self.maxEventAttempts = max(1, maxEventAttempts)
        webhooks = WebhookSubscriptions(blueprint)
        gate = PolicyGate(blueprint: blueprint)
        step = CaseStep(
            blueprint: blueprint, skills: skills, models: models, skillTimeout: skillTimeout, handOnLimit: 64)
        readsCalendar = blueprint.agents.contains { $0.permissions.contains("calendar.read") }
    }

    /// Processes waiting events until none is left; returns how many were processed.
    @discardableResult
    public func runUntilIdle(batchSize: Int = 256) async throws -> Int {
        var total = 0
        while true {
            let processed = try await processBatch(limit: batchSize)
            total += processed
            if processed == 0 { return total }
        }
    }

    /// One step over up to `limit` waiting events and the events they emit in turn (so that a lead
    /// goes through every agent in one commit): read, run every case's skills concurrently, commit
    /// once. Returns how many events were processed (failed tries included, so
    /// ``runUntilIdle(batchSize:)`` ends once every failing event is dead).
    public func processBatch(limit: Int) async throws -> Int {
        let snapshot = try await read(limit: limit, excluding: [])
        guard !snapshot.cases.isEmpty else { return 0 }
        let outcomes = await run(snapshot.cases, snapshot)
        let committed = try await commit(outcomes)
        // A case that conflicted did nothing yet: it counts as work left, so the caller steps again.
        return committed.processed + committed.conflicts.count
    }

    /// Runs the skills of `cases` concurrently, each case's events in order.
    func run(_ cases: [CaseSnapshot], _ snapshot: StepSnapshot) async -> [CaseOutcome] {
        let calendar = StepCalendar(blueprint: blueprint, busy: snapshot.busy, now: snapshot.now, links: bookingLinks)
        return await withTaskGroup(of: CaseOutcome.self) { group in
            for one in cases {
                group.addTask { [step] in await step.run(one, now: snapshot.now, calendar: calendar) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Reads a step's snapshot: up to `limit` waiting events of cases not in `excluding` (those a
    /// step is already working on), with what their skills and decisions need.
    func read(limit: Int, excluding: Set<String>) async throws -> StepSnapshot {
        try await store.readStep(limit: limit, excluding: excluding, busyTimes: readsCalendar, at: store.clock())
    }

    /// An error as one line a person can read.
    package static func message(_ error: any Error) -> String {
        let text = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.count > 500 ? String(text.prefix(500)) + "…" : text
    }

    /// The event that sends an overridden approval back to its agent with the person's instructions.
    public static let overrideEvent = "approval.overridden"

    /// Producers outside the system: a form or a mailbox (`intake`), or `baton event send` (`cli`).
    package static let externalProducers = ["intake", "cli"]

    static func isExternal(_ producer: String) -> Bool { externalProducers.contains(producer) }
}

/// A case's shared context changed under a step; the case is dropped from the commit and runs again.
public struct ContextConflict: Error, CustomStringConvertible {
    public let caseID: String
    public var description: String { "the context of case \(caseID) was changed by another writer; run again" }
}
