import Blueprint
import Foundation
import GRDB

/// An event, durable before it is acknowledged: what happened, in which case, caused by what.
public struct EventRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "event"

    /// Processing state: pending until an engine has routed it, then done.
    public enum Status: String, Codable, Sendable {
        /// `cancelled`: a delayed step dropped because the other side wrote on the case meanwhile;
        /// `dead`: its processing failed as many times as the engine tries, and it waits for a person
        /// (`baton event retry ID`).
        case pending, done, cancelled, dead
    }

    public var id: Int64?
    public var type: String
    /// The case (correlation) id: one lead, one inquiry.
    public var caseID: String
    /// The event that caused this one, if an agent emitted it.
    public var causationID: Int64?
    public var payloadJSON: String
    /// Who produced it: `intake`, `cli` or an agent id.
    public var producer: String
    /// Makes a retried submission safe: the same key is stored once.
    public var idempotencyKey: String?
    public var status: Status
    public var createdAt: Date
    /// A delayed step is not processed before this time (it survives restarts like any event).
    public var dueAt: Date?
    /// How many times its processing failed since it was stored (or last put back).
    public var attempts = 0
    /// Why its processing last failed.
    public var lastError: String?
    /// When it was moved to the dead letters.
    public var deadAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, type, producer, status, attempts
        case caseID = "case_id", causationID = "causation_id", payloadJSON = "payload_json"
        case idempotencyKey = "idempotency_key", createdAt = "created_at", dueAt = "due_at"
        case lastError = "last_error", deadAt = "dead_at"
    }

    /// The payload as a dictionary of strings and numbers.
    public var payload: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(payloadJSON.utf8))) as? [String: Any] ?? [:]
    }

    /// The payload with every value as text (a number as Swift prints it). A payload of strings
    /// only, as Baton stores them, is read without Foundation's parser (``StringMapJSON/decode(_:)``).
    package var textPayload: [String: String] {
        StringMapJSON.decode(payloadJSON) ?? payload.mapValues { "\($0)" }
    }

    /// Whether the payload is a JSON object, as the engine needs it to be.
    package var isPayloadAnObject: Bool {
        StringMapJSON.decode(payloadJSON) != nil
            || (try? JSONSerialization.jsonObject(with: Data(payloadJSON.utf8))) is [String: Any]
    }
}

/// An action allowed by the policy gate, waiting for (or done by) the dispatcher.
public struct OutboxItem: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "outbox"

    public enum Status: String, Codable, Sendable {
        /// `held`: the running blueprint now wants a person to approve it first (an approval waits).
        /// `deferred`: its agent was over `limits.actions_per_hour`; queued at its `next_attempt_at`.
        /// `cancelled`: no longer wanted (a reminder of an invoice that has since been paid or voided).
        case queued, sent, dead, held, deferred, cancelled
    }

    public var id: Int64?
    /// The side effect runs at most once per key, also across crashes.
    public var idempotencyKey: String
    public var caseID: String
    public var agent: String
    public var action: ActionKind
    public var payloadJSON: String
    public var status: Status
    public var attempts: Int
    public var createdAt: Date
    public var sentAt: Date?
    /// After a failure, not before this time.
    public var nextAttemptAt: Date?
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case id, agent, action, status, attempts
        case idempotencyKey = "idempotency_key", caseID = "case_id", payloadJSON = "payload_json"
        case createdAt = "created_at", sentAt = "sent_at", nextAttemptAt = "next_attempt_at", lastError = "last_error"
    }
}

/// An action that waits for a person, with what the agent recommends and why.
public struct ApprovalRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "approval"

    public enum Status: String, Codable, Sendable {
        case pending, approved, rejected, overridden
    }

    public var id: Int64?
    public var caseID: String
    public var agent: String
    public var action: ActionKind
    /// The action as proposed.
    public var proposedJSON: String
    public var reason: String
    public var status: Status
    public var createdAt: Date
    /// The action as approved (edited or not); absent until a person decides.
    public var approvedJSON: String?
    /// The person's reason for rejecting, or the instructions of an override.
    public var decision: String?
    public var decidedAt: Date?
    /// The evidence the agent used: the case context it read, by agent (and `intake`), as JSON.
    public var evidenceJSON: String? = nil
    /// The approval this one revises, after an override with instructions.
    public var revises: Int64? = nil
    /// When its timeout reminded the approver, and whom (an address, or the role when none is known).
    public var remindedAt: Date? = nil
    public var remindedTo: String? = nil
    /// When its timeout escalated it, and to whom (an address, or the role when none is known).
    public var escalatedAt: Date? = nil
    public var escalatedTo: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, agent, action, reason, status, decision, revises
        case caseID = "case_id", proposedJSON = "proposed_json", createdAt = "created_at", approvedJSON =
            "approved_json"
        case decidedAt = "decided_at", evidenceJSON = "evidence_json"
        case remindedAt = "reminded_at", remindedTo = "reminded_to", escalatedAt = "escalated_at"
        case escalatedTo = "escalated_to"
    }

    /// ``evidenceJSON`` decoded; empty when there is none.
    public var evidence: [String: [String: String]] {
        guard let evidenceJSON else { return [:] }
        return (try? JSONDecoder().decode([String: [String: String]].self, from: Data(evidenceJSON.utf8))) ?? [:]
    }
}

/// One line of the audit log: every event, decision, denial, approval and effect.
public struct AuditEntry: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit"

    public var id: Int64?
    public var at: Date
    public var caseID: String
    public var agent: String?
    /// `event`, `allowed`, `denied`, `approval`, `sent`, `skill`… (see ``AuditKind``).
    public var kind: AuditKind
    public var detail: String
    /// On `skill` lines: the notes the agent added to the case context at this step, as JSON. They
    /// are its handoff to the next agent: summary, data, confidence and reasons.
    public var notesJSON: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, at, agent, kind, detail
        case caseID = "case_id", notesJSON = "notes_json"
    }

    /// ``notesJSON`` decoded; empty when there are none.
    public var notes: [String: String] {
        guard let notesJSON else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(notesJSON.utf8))) ?? [:]
    }
}
