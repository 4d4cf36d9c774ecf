import Foundation

/// What one step of the engine reads, in one short read, before any skill runs: the cases with
/// waiting events and what their skills and decisions depend on.
package struct StepSnapshot: Sendable {
    /// The cases, in the order of their oldest waiting event.
    var cases: [CaseSnapshot]
    /// The built-in calendar's busy times (external, booked and entered ones).
    var busy: [DateInterval]
    /// When the snapshot was read: the time the step's skills see.
    let now: Date
}

/// One case as a step reads it.
package struct CaseSnapshot: Sendable {
    let caseID: String
    /// Its waiting events, oldest first.
    var events: [EventRecord]
    /// Each agent's notes in the shared context, and the version they were read at.
    var notes: [String: [String: String]]
    var version: Int
    /// Delayed events made moot: a message from outside arrived on the case after they were set.
    var moot: Set<Int64> = []
    /// The approvals that `approval.overridden` events of the case name, as read.
    var overridden: [Int64: ApprovalRecord] = [:]
}
