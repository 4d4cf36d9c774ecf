import Blueprint
import Foundation

/// What the skills decided for one case in one step, before anything is written: the engine
/// commits it in one short write transaction (``Engine/commit(_:)``), or drops it when the case's
/// context moved on meanwhile.
struct CaseOutcome: Sendable {
    let caseID: String
    /// The context version the step read; the commit checks it is still the stored one.
    let version: Int
    /// The context after the step.
    var notes: [String: [String: String]]
    /// ``notes`` as stored (``StringMapJSON``), when the step wrote to them.
    var contextJSON = ""
    /// The text of each agent's notes the step wrote (``StringMapJSON``, made for its audit line),
    /// by agent, for as long as they are its notes in ``notes``: the context's text reuses them.
    var encodedNotes: [String: String] = [:]
    /// How many events wrote to the context: the version advances by as many.
    var writes = 0
    /// Each event's processing, in the order it ran.
    var steps: [EventStep] = []
    /// The events the step's agents emitted, in order; steps refer to them by index.
    var emitted: [EmittedEvent] = []

    /// The oldest stored event the step took on (cases commit in this order).
    var firstEventID: Int64 {
        steps.lazy.compactMap { if case .stored(let id) = $0.origin { id } else { nil } }.first ?? .max
    }
}

/// Where an event of a step comes from: stored before the step, or emitted within it (by index into
/// ``CaseOutcome/emitted``).
enum EventOrigin: Sendable, Hashable {
    case stored(Int64)
    case emitted(Int)
}

/// An event an agent emitted, stored when its step commits.
struct EmittedEvent: Sendable {
    let type: String
    let payload: [String: String]
    /// ``payload`` as stored (``StringMapJSON``): encoded in the step, beside the other cases'
    /// skills, rather than in the commit they all wait on.
    let payloadJSON: String
    let producer: String
    /// For an event handed on later: when, and after how many calendar days (for the audit line).
    let dueAt: Date?
    let afterDays: Int?
    /// Processed within the same step (stored as done), rather than left waiting for the next one.
    var handedOn: Bool
}

/// One event's processing within a step.
struct EventStep: Sendable {
    let origin: EventOrigin
    let event: EventRecord
    /// The time it ran at, which its records carry.
    let at: Date
    let result: Result

    enum Result: Sendable {
        /// A reminder made moot by a reply.
        case cancelled
        /// Its processing threw (a skill failed or timed out): nothing of it is kept but the failure.
        case failed(String)
        /// The consuming agents ran, in the blueprint's order.
        case ran([AgentRun])
        /// An override's revision, to wait as a new approval.
        case revised(ApprovalRecord, audit: String)
        /// An override that cannot be applied, and why (with the agent it concerns, if any).
        case refused(agent: String?, String)
    }
}

/// One agent's run of its skill on an event.
struct AgentRun: Sendable {
    let agent: Agent
    /// What the skill returned; nil when no such skill exists.
    let outcome: SkillOutcome?
    /// The skill's notes as its audit line stores them (``StringMapJSON``).
    let notesJSON: String?
    /// Each proposed action's payload as stored (``StringMapJSON``), in the order of the outcome's
    /// actions: encoded in the step, not in the commit.
    let actionsJSON: [String]
    /// The case's notes after the agent wrote its own: the evidence shown with its approvals.
    let evidence: [String: [String: String]]
    /// Indexes into ``CaseOutcome/emitted`` of the events it emitted (declared ones), then scheduled.
    let emitted: [Int]
    /// Event types it tried to emit that the blueprint does not declare.
    let undeclared: [String]
}
