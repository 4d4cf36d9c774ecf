import Blueprint
import Foundation
import Synchronization

/// The pure part of the engine: runs the skills of one case's waiting events, outside any
/// transaction, and returns what they decided. Events of a case run in order (each sees the notes
/// the earlier ones wrote), and the events they emit are handed on within the step up to
/// `handOnLimit`. An event whose skill throws or runs past `skillTimeout` stops the case there: the
/// failure is kept, the events after it wait for the next step. A function of the snapshot, the
/// blueprint, the skills and the time it is given: no database, no clock of its own.
struct CaseStep: Sendable {
    let blueprint: Blueprint
    let skills: SkillRegistry
    let models: [String: LanguageModel]
    /// How long a skill that may wait (one with a model, or one not built in) may take.
    let skillTimeout: Duration
    /// Events taken on per case per step, emitted ones included.
    let handOnLimit: Int

    /// The skills' decisions for `snapshot`, at `now`, with the calendar `calendar`.
    func run(_ snapshot: CaseSnapshot, now: Date, calendar: StepCalendar) async -> CaseOutcome {
        var outcome = await runEvents(snapshot, now: now, calendar: calendar)
        // Encoded here, beside the other cases' steps, rather than in the commit they all wait on.
        if outcome.writes > 0 {
            outcome.contextJSON = StringMapJSON.encode(outcome.notes, encoded: outcome.encodedNotes)
        }
        return outcome
    }

    /// The events of `snapshot` in order, and those they hand on, until one fails or none is left.
    private func runEvents(_ snapshot: CaseSnapshot, now: Date, calendar: StepCalendar) async -> CaseOutcome {
        var outcome = CaseOutcome(caseID: snapshot.caseID, version: snapshot.version, notes: snapshot.notes)
        var queue: [(EventOrigin, EventRecord, [String: String])] = snapshot.events.map {
            (.stored($0.id!), $0, $0.textPayload)
        }
        var taken = queue.count
        // An override is revised once: a second request for it in the same step is refused.
        var overridden = snapshot.overridden
        while !queue.isEmpty {
            var next: [(EventOrigin, EventRecord, [String: String])] = []
            for (position, (origin, event, payload)) in queue.enumerated() {
                if case .stored(let id) = origin, snapshot.moot.contains(id) {
                    outcome.steps.append(EventStep(origin: origin, event: event, at: now, result: .cancelled))
                    continue
                }
                if event.type == Engine.overrideEvent {
                    outcome.steps.append(
                        EventStep(
                            origin: origin, event: event, at: now,
                            result: revise(event, &overridden, now: now, calendar: calendar)))
                    continue
                }
                let emittedBefore = outcome.emitted.count
                do {
                    let runs = try await runAgents(
                        on: event, payload: payload, &outcome, now: now, calendar: calendar)
                    outcome.steps.append(EventStep(origin: origin, event: event, at: now, result: .ran(runs)))
                    outcome.writes += 1
                } catch {
                    // Rolled back alone: what it emitted goes too, and the case's later events wait.
                    outcome.emitted.removeSubrange(emittedBefore...)
                    outcome.steps.append(
                        EventStep(origin: origin, event: event, at: now, result: .failed(Engine.message(error))))
                    // Events handed on that have not run yet are stored waiting, to run after it in order.
                    for (later, _, _) in queue[(position + 1)...] + next {
                        if case .emitted(let index) = later { outcome.emitted[index].handedOn = false }
                    }
                    return outcome
                }
                for index in emittedBefore..<outcome.emitted.count where outcome.emitted[index].dueAt == nil {
                    guard taken < handOnLimit else { break }
                    taken += 1
                    outcome.emitted[index].handedOn = true
                    let emitted = outcome.emitted[index]
                    let record = EventRecord(
                        id: nil, type: emitted.type, caseID: snapshot.caseID, causationID: nil,
                        payloadJSON: emitted.payloadJSON, producer: emitted.producer,
                        idempotencyKey: nil, status: .done, createdAt: now, dueAt: nil)
                    next.append((.emitted(index), record, emitted.payload))
                }
            }
            queue = next
        }
        return outcome
    }

    /// Runs every agent that consumes `event`, in the blueprint's order, writing their notes into
    /// the outcome's context and recording what they emit.
    private func runAgents(
        on event: EventRecord, payload: [String: String], _ outcome: inout CaseOutcome,
        now: Date, calendar: StepCalendar
    ) async throws -> [AgentRun] {
        var notes = outcome.notes
        var encodedNotes = outcome.encodedNotes
        if Engine.isExternal(event.producer) {
            // A later message adds to what the first one said; it does not erase the lead's details.
            notes["intake", default: [:]].merge(payload) { $1 }
            encodedNotes["intake"] = nil
        }
        var runs: [AgentRun] = []
        for agent in blueprint.agents where agent.consumes.contains(event.type) {
            guard let skill = skills.skill(named: agent.skill) else {
                runs.append(
                    AgentRun(
                        agent: agent, outcome: nil, notesJSON: nil, actionsJSON: [], evidence: notes, emitted: [],
                        undeclared: []))
                continue
            }
            let input = SkillInput(
                event: event, payload: payload, context: notes, agent: agent, business: blueprint.business, now: now)
            let tools = calendar.tools(for: agent, model: models[agent.id])
            let result: SkillOutcome
            if tools.model != nil || !SkillRegistry.isBuiltIn(agent.skill) || skills.isRegistered(agent.skill) {
                result = try await Self.within(skillTimeout, agent: agent) { try await skill.run(input, tools: tools) }
            } else {
                result = try await skill.run(input, tools: tools)
            }
            let notesJSON = StringMapJSON.encode(result.notes)
            notes[agent.id] = result.notes
            encodedNotes[agent.id] = notesJSON
            var emitted: [Int] = []
            var undeclared: [String] = []
            for event in result.emits {
                guard agent.emits.contains(event.type) else {
                    undeclared.append(event.type)
                    continue
                }
                emitted.append(outcome.emitted.count)
                outcome.emitted.append(
                    EmittedEvent(
                        type: event.type, payload: event.payload, payloadJSON: StringMapJSON.encode(event.payload),
                        producer: agent.id, dueAt: nil, afterDays: nil, handedOn: false))
            }
            for later in result.delayed where agent.emits.contains(later.type) {
                emitted.append(outcome.emitted.count)
                outcome.emitted.append(
                    EmittedEvent(
                        type: later.type, payload: [:], payloadJSON: StringMapJSON.encode([String: String]()),
                        producer: agent.id,
                        dueAt: calendar.localDays(later.afterDays), afterDays: later.afterDays, handedOn: false))
            }
            runs.append(
                AgentRun(
                    agent: agent, outcome: result, notesJSON: notesJSON,
                    actionsJSON: result.actions.map { StringMapJSON.encode($0.payload) }, evidence: notes,
                    emitted: emitted, undeclared: undeclared))
        }
        outcome.notes = notes
        outcome.encodedNotes = encodedNotes
        return runs
    }

    /// The agent applies the person's instructions to its overridden proposal and resubmits it: the
    /// revision passes the policy gate again and, unless refused, waits as a new approval (a person
    /// asked for changes, so a person sees them before anything leaves). The commit checks again
    /// that the approval is still an open override.
    private func revise(
        _ event: EventRecord, _ overridden: inout [Int64: ApprovalRecord], now: Date, calendar: StepCalendar
    ) -> EventStep.Result {
        let request = event.textPayload
        // Only a person's override (through `Approvals`) sends a proposal back, and only once.
        guard event.producer == Approvals.producer, let id = Int64(request["approval"] ?? ""),
            let original = overridden.removeValue(forKey: id)
        else {
            return .refused(agent: nil, "\(event.type) from \(event.producer): not an open override of this case")
        }
        guard let agent = blueprint.agents.first(where: { $0.id == original.agent }) else {
            return .refused(
                agent: original.agent, "\(original.action) #\(id): \(original.agent) is not in the running blueprint")
        }
        var proposed = (try? Approvals.payload(original.proposedJSON)) ?? [:]
        proposed["instructions"] = nil
        let instructions = request["instructions"] ?? ""
        var revision = OwnerInstructions(instructions).apply(
            to: proposed, timeZone: blueprint.business.timeZone,
            freeSlots: calendar.tools(for: agent, model: nil).freeSlots)
        let action = ProposedAction(kind: original.action, payload: revision.payload, reason: original.reason)
        if case .deny(let reason) = PolicyGate(blueprint: blueprint).decide(action, by: agent, firstContact: false) {
            return .refused(agent: agent.id, "\(action.kind) revision of #\(id): \(reason)")
        }
        // Kept beside the proposal for the approver; the dispatcher never sends it.
        revision.payload["instructions"] = instructions
        let applied =
            revision.applied.isEmpty ? "nothing applied" : "applied: " + revision.applied.joined(separator: ", ")
        let notApplied =
            revision.notApplied.isEmpty ? "" : "; not applied: " + revision.notApplied.joined(separator: "; ")
        let record = ApprovalRecord(
            id: nil, caseID: event.caseID, agent: agent.id, action: action.kind,
            proposedJSON: StringMapJSON.encode(revision.payload),
            reason: "\(original.reason), revised with the owner's instructions (\(applied)\(notApplied))",
            status: .pending, createdAt: now, approvedJSON: nil, decision: nil, decidedAt: nil,
            evidenceJSON: original.evidenceJSON, revises: id)
        return .revised(
            record, audit: "\(action.kind) revised from #\(id) (\(applied)\(notApplied)) waits for a person")
    }

    /// Runs `body`, failing with ``SkillTimeout`` (and cancelling it) after `limit`.
    static func within(
        _ limit: Duration, agent: Agent, _ body: @escaping @Sendable () async throws -> SkillOutcome
    ) async throws -> SkillOutcome {
        try await withThrowingTaskGroup(of: SkillOutcome?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let outcome = first else {
                throw SkillTimeout(agent: agent.id, skill: agent.skill, limit: limit)
            }
            return outcome
        }
    }
}

/// A skill that ran past its time: the event counts a failed try.
struct SkillTimeout: Error, CustomStringConvertible {
    let agent: String
    let skill: String
    let limit: Duration
    var description: String { "\(agent)'s skill \(skill) took longer than \(limit.components.seconds) s" }
}

/// The built-in calendar as a step sees it: the busy times read with the snapshot, and the free
/// slots found so far (the calendar does not change within a step).
final class StepCalendar: Sendable {
    let businessHours: WorkingHours
    let timeZone: String
    let busy: [DateInterval]
    let now: Date
    /// The booking page's links, when a public URL says where the page is served.
    let links: BookingLinks?
    private let found = Mutex<[[Int]: [Date]]>([:])
    private let later = Mutex<[Int: Date]>([:])

    init(blueprint: Blueprint, busy: [DateInterval], now: Date, links: BookingLinks? = nil) {
        businessHours = blueprint.business.workingHours
        timeZone = blueprint.business.timeZone
        self.busy = busy
        self.now = now
        self.links = links
    }

    /// The step's time `days` calendar days later, at the same local time in the business's time
    /// zone (so a step due in two days stays at 10:00 across a daylight-saving change, 47 or 49
    /// hours later). Found once per step and number of days: every case of the step shares it.
    func localDays(_ days: Int) -> Date {
        later.withLock { found in
            if let date = found[days] { return date }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
            let date =
                calendar.date(byAdding: .day, value: days, to: now) ?? now.addingTimeInterval(Double(days) * 86400)
            found[days] = date
            return date
        }
    }

    /// The tools an agent's permissions grant, and no others.
    func tools(for agent: Agent, model: LanguageModel?) -> Tools {
        guard agent.permissions.contains("calendar.read") else { return Tools(model: model) }
        let finder = SlotFinder(hours: businessHours, timeZone: timeZone, busy: busy, from: now)
        var bookingLink: (@Sendable (String) -> String?)? = nil
        if let links, agent.permissions.contains("calendar.book") {
            let now = now
            bookingLink = { caseID in links.link(caseID: caseID, now: now) }
        }
        return Tools(
            freeSlots: { count, minutes in
                // Found once per step: every lead of the step is offered the same free times.
                self.found.withLock { cache in
                    if let slots = cache[[count, minutes]] { return slots }
                    let slots = finder.slots(count: count, minutes: minutes)
                    cache[[count, minutes]] = slots
                    return slots
                }
            }, isFree: { start, minutes in finder.isFree(start, minutes: minutes) }, model: model,
            bookingLink: bookingLink)
    }
}
