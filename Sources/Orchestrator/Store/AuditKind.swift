import GRDB

/// What an audit line records: the column `audit.kind`, written by the engine, the dispatcher and
/// the approvals, and counted by the KPIs, the daily report and `baton prune`. Each kind is named
/// once here. It wraps any text, so a line written by an older or newer Baton still reads.
public struct AuditKind: RawRepresentable, Codable, Hashable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible, DatabaseValueConvertible
{
    /// The kind as stored, e.g. `denied`.
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.init(rawValue: value)
    }

    public var description: String { rawValue }

    // The engine: one event's processing.
    /// An event was taken from the queue.
    public static let event = AuditKind(rawValue: "event")
    /// An agent's skill ran on it (with the notes it handed on).
    public static let skill = AuditKind(rawValue: "skill")
    /// The gate refused an action, a tool or an emitted event; or a revision no longer applies.
    public static let denied = AuditKind(rawValue: "denied")
    /// An action waits for a person (also: held at dispatch, or revised after an override).
    public static let approval = AuditKind(rawValue: "approval")
    /// The gate let an action go to the outbox.
    public static let allowed = AuditKind(rawValue: "allowed")
    /// An agent reached `limits.actions_per_hour` and the owner was told (once per agent and window).
    public static let limited = AuditKind(rawValue: "limited")
    /// An action over its agent's hourly limit was queued for the next window: it goes at the time said.
    public static let deferred = AuditKind(rawValue: "deferred")
    /// An event was handed on for later.
    public static let scheduled = AuditKind(rawValue: "scheduled")
    /// An approver was sent a notice that an approval waits.
    public static let notified = AuditKind(rawValue: "notified")
    /// A delayed step was dropped: a reply came in since it was set.
    public static let cancelled = AuditKind(rawValue: "cancelled")
    /// An event's processing failed and is tried again.
    public static let failed = AuditKind(rawValue: "failed")
    /// An event went to the dead letters, or an action was given up.
    public static let dead = AuditKind(rawValue: "dead")
    /// A person put a dead event back in the queue.
    public static let retried = AuditKind(rawValue: "retried")
    /// A lead was obvious spam (a farm of links, no real content, gibberish): nothing was sent.
    public static let spam = AuditKind(rawValue: "spam")
    /// A message read from the inbox, and what it became: a new case, or a reply joining its case.
    public static let mail = AuditKind(rawValue: "mail")
    /// A message read from the inbox and never answered: an auto-reply, a bounce, a mailing list's.
    public static let ignored = AuditKind(rawValue: "ignored")

    // The dispatcher: one action's fate.
    /// An action was carried out.
    public static let sent = AuditKind(rawValue: "sent")
    /// An action's attempt failed; it is tried again after a backoff.
    public static let retry = AuditKind(rawValue: "retry")

    // People, and their silence.
    public static let approved = AuditKind(rawValue: "approved")
    public static let rejected = AuditKind(rawValue: "rejected")
    /// Sent back to the agent with instructions.
    public static let overridden = AuditKind(rawValue: "overridden")
    /// An approval's timeout reminded, escalated or rejected it.
    public static let timeout = AuditKind(rawValue: "timeout")

    /// The lines the daily report prints whole, as its edge cases.
    public static let edgeCases: [AuditKind] = [.denied, .dead, .timeout]
}
