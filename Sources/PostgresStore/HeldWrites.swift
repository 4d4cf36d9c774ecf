import Blueprint
import Foundation
import Orchestrator
import PostgresNIO

/// The engine's writes of one commit, held and answered ahead (``RuntimeTransaction/holdWrites()``)
/// and then sent as one statement: the events it finishes, the events its agents emit, the actions
/// it queues or defers and the contexts it writes. Each of these was a round trip of its own, about
/// eight a lead.
///
/// Every write is answered as if it were sent alone into the transaction as it stands — finished,
/// queued, written — except where this buffer already knows otherwise (an event it finishes twice, a
/// key it queues twice). When sent, the statement returns what each part changed; a part that
/// changed fewer rows than answered (an event no longer waiting, a key queued before, a context
/// that moved on) means an answer was wrong, and the transaction is written again case by case.
struct HeldWrites {
    /// Events finished: their ids and new statuses.
    private var finishedIDs: [Int64] = []
    private var finishedStatuses: [String] = []
    private var finishedSet: Set<Int64> = []

    /// Events emitted, with the ids taken for them from the table's sequence.
    private var events = EventColumns()

    /// Actions queued or deferred, in order.
    private var outbox = OutboxColumns()
    private var keys: Set<String> = []

    /// Contexts written: the case, its text, the new version and the version it must be over.
    private var contextCases: [String] = []
    private var contextJSON: [String] = []
    private var contextVersions: [Int64] = []
    private var contextExpected: [Int64] = []

    /// Emitted events held.
    var eventCount: Int { events.ids.count }

    /// Whether nothing is held.
    var isEmpty: Bool { finishedIDs.isEmpty && events.ids.isEmpty && outbox.keys.isEmpty && contextCases.isEmpty }

    /// Holds an event's finishing; false (nothing held) when this buffer already finished it, so it
    /// is no longer waiting.
    mutating func finish(_ id: Int64, as status: EventRecord.Status) -> Bool {
        guard finishedSet.insert(id).inserted else { return false }
        finishedIDs.append(id)
        finishedStatuses.append(status.rawValue)
        return true
    }

    /// Holds an emitted event under `id`.
    mutating func insert(_ event: EmittedEventRow, id: Int64) {
        events.append(event, id: id)
    }

    /// Holds an action (deferred to `goes` when given); false (nothing held) when its key is held already.
    mutating func queue(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date, goes: Date?
    ) -> Bool {
        guard keys.insert(key).inserted else { return false }
        outbox.append(
            key: key, caseID: caseID, agent: agent, action: action, payloadJSON: payloadJSON, at: at, goes: goes)
        return true
    }

    /// Whether a context write for `caseID` is held (a second one is sent after the first, not beside it).
    func holdsContext(of caseID: String) -> Bool { contextCases.contains(caseID) }

    /// Holds a case's context write over version `expected`.
    mutating func writeContext(caseID: String, contextJSON json: String, version: Int, expected: Int) {
        contextCases.append(caseID)
        contextJSON.append(json)
        contextVersions.append(Int64(version))
        contextExpected.append(Int64(expected))
    }

    /// Emails held for `caseID`.
    func emailsHeld(caseID: String) -> Int { outbox.emails(of: caseID) }

    /// Whether an action of `agent` is held.
    func holdsAction(of agent: String) -> Bool { outbox.agents.contains(agent) }

    /// The one statement that writes everything held; it returns the rows each part changed, which
    /// ``check(_:)`` compares with the answers given.
    var statement: PostgresQuery {
        """
        WITH finished AS (
            UPDATE event SET status = f.status
            FROM unnest(\(finishedIDs)::bigint[], \(finishedStatuses)::text[]) AS f (id, status)
            WHERE event.id = f.id AND event.status = 'pending' RETURNING 1),
        emitted AS (
            INSERT INTO event (id, type, case_id, causation_id, payload_json, producer, status, created_at, due_at)
            OVERRIDING SYSTEM VALUE
            SELECT e.id, e.type, e.case_id, e.causation_id, e.payload_json, e.producer, e.status, e.created_at,
                CASE WHEN e.has_due THEN e.due_at END
            FROM unnest(\(events.ids)::bigint[], \(events.types)::text[], \(events.caseIDs)::text[],
                \(events.causations)::bigint[], \(events.payloads)::text[], \(events.producers)::text[],
                \(events.statuses)::text[], \(events.createdAt)::timestamptz[], \(events.dueAt)::timestamptz[],
                \(events.hasDue)::boolean[])
                AS e (id, type, case_id, causation_id, payload_json, producer, status, created_at, due_at, has_due)
            ORDER BY e.id RETURNING 1),
        queued AS (
            INSERT INTO outbox (idempotency_key, case_id, agent, action, payload_json, status, attempts, created_at,
                not_before, next_attempt_at)
            SELECT o.key, o.case_id, o.agent, o.action, o.payload_json,
                CASE WHEN o.deferred THEN 'deferred' ELSE 'queued' END, 0, o.created_at,
                CASE WHEN o.deferred THEN o.goes END, CASE WHEN o.deferred THEN o.goes END
            FROM unnest(\(outbox.keys)::text[], \(outbox.caseIDs)::text[], \(outbox.agents)::text[],
                \(outbox.actions)::text[], \(outbox.payloads)::text[], \(outbox.createdAt)::timestamptz[],
                \(outbox.goes)::timestamptz[], \(outbox.deferred)::boolean[]) WITH ORDINALITY
                AS o (key, case_id, agent, action, payload_json, created_at, goes, deferred, n)
            ORDER BY o.n
            ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1),
        contexts AS (
            SELECT * FROM unnest(\(contextCases)::text[], \(contextJSON)::text[], \(contextVersions)::bigint[],
                \(contextExpected)::bigint[]) AS c (case_id, context_json, version, expected)),
        updated AS (
            UPDATE case_context SET context_json = c.context_json, version = c.version FROM contexts c
            WHERE case_context.case_id = c.case_id AND case_context.version = c.expected RETURNING 1),
        created AS (
            INSERT INTO case_context (case_id, context_json, version)
            SELECT c.case_id, c.context_json, c.version FROM contexts c
            WHERE NOT EXISTS (SELECT 1 FROM case_context x WHERE x.case_id = c.case_id)
            ON CONFLICT (case_id) DO NOTHING RETURNING 1)
        SELECT (SELECT count(*) FROM finished), (SELECT count(*) FROM queued),
            (SELECT count(*) FROM updated) + (SELECT count(*) FROM created)
        """
    }

    /// Throws ``WriteCaseByCase`` unless the statement's answer (`finished`, `queued`, `contexts`)
    /// changed every row answered for.
    @Sendable func check(_ result: PostgresQueryResult) throws {
        guard let row = result.first else { throw WriteCaseByCase() }
        let (finished, queued, contexts) = try row.decode((Int64, Int64, Int64).self)
        guard finished == finishedIDs.count, queued == outbox.keys.count, contexts == contextCases.count else {
            throw WriteCaseByCase()
        }
    }
}

/// The columns of the emitted events held, one array each (PostgreSQL binds no array of optionals:
/// a missing due time is a flag beside a placeholder).
private struct EventColumns {
    var ids: [Int64] = []
    var types: [String] = []
    var caseIDs: [String] = []
    var causations: [Int64] = []
    var payloads: [String] = []
    var producers: [String] = []
    var statuses: [String] = []
    var createdAt: [Date] = []
    var dueAt: [Date] = []
    var hasDue: [Bool] = []

    mutating func append(_ event: EmittedEventRow, id: Int64) {
        ids.append(id)
        types.append(event.type)
        caseIDs.append(event.caseID)
        causations.append(event.causationID)
        payloads.append(event.payloadJSON)
        producers.append(event.producer)
        statuses.append(event.status.rawValue)
        createdAt.append(StoredTime.rounded(event.createdAt))
        dueAt.append(StoredTime.rounded(event.dueAt ?? event.createdAt))
        hasDue.append(event.dueAt != nil)
    }
}

/// The columns of the actions held, one array each.
private struct OutboxColumns {
    var keys: [String] = []
    var caseIDs: [String] = []
    var agents: [String] = []
    var actions: [String] = []
    var payloads: [String] = []
    var createdAt: [Date] = []
    var goes: [Date] = []
    var deferred: [Bool] = []
    /// Emails held per case (for the first-contact rule's count).
    private var emailsByCase: [String: Int] = [:]

    mutating func append(
        key: String, caseID: String, agent: String, action: ActionKind, payloadJSON: String, at: Date, goes: Date?
    ) {
        keys.append(key)
        caseIDs.append(caseID)
        agents.append(agent)
        actions.append(action.rawValue)
        payloads.append(payloadJSON)
        createdAt.append(StoredTime.rounded(at))
        self.goes.append(StoredTime.rounded(goes ?? at))
        deferred.append(goes != nil)
        if action == .emailSend { emailsByCase[caseID, default: 0] += 1 }
    }

    func emails(of caseID: String) -> Int { emailsByCase[caseID] ?? 0 }
}
