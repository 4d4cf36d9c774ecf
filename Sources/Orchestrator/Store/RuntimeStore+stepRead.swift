import Foundation
import GRDB
import Synchronization

extension RuntimeStore {
    /// Reads a step's snapshot in one short read: up to `limit` waiting events (ready ones, and
    /// delayed ones that are due), oldest first, of cases not in `excluding` (those a step is
    /// already working on), grouped by case with each case's context and what its decisions need.
    ///
    /// Stored data that cannot be read never stops the step: an event whose row (its dates, its
    /// payload) or whose case's context does not decode is left out and dead-lettered with the
    /// reason (`stored data could not be read: …`, and a `dead` audit line); a busy time that does
    /// not decode is skipped, and said once in the audit log (case `calendar`). The other events
    /// run as if it were not there. Only a failure of the store itself (busy, full, I/O) throws.
    package func readStep(limit: Int, excluding: Set<String>, busyTimes: Bool, at now: Date) async throws
        -> StepSnapshot
    {
        let (snapshot, unreadable, badBusy) = try await database.read { db in
            try Self.readStep(db, limit: limit, excluding: excluding, busyTimes: busyTimes, now: now)
        }
        if !unreadable.isEmpty || !badBusy.isEmpty {
            await report(unreadable: unreadable, badBusy: badBusy, at: now)
        }
        return snapshot
    }

    /// An event left out of a step because its stored data cannot be read, and why.
    struct UnreadableEvent: Error, Sendable {
        let id: Int64
        let caseID: String
        let reason: String
    }

    /// A stored value that does not decode (a date GRDB cannot read, a payload that is not JSON).
    struct UnreadableData: Error, CustomStringConvertible {
        let description: String
    }

    private static func readStep(
        _ db: Database, limit: Int, excluding: Set<String>, busyTimes: Bool, now: Date
    ) throws -> (StepSnapshot, [UnreadableEvent], [Int64: String]) {
        var unreadable: [UnreadableEvent] = []
        var events: [EventRecord] = []
        for waiting in try waitingEvents(db, now: now, limit: limit, excluding: excluding) {
            switch waiting {
            case .success(let event): events.append(event)
            case .failure(let bad): unreadable.append(bad)
            }
        }
        var order: [String] = []
        var byCase: [String: CaseSnapshot] = [:]
        // Cases whose context cannot be read: none of their events runs over a context it cannot see.
        var unreadableCases: [String: String] = [:]
        for event in events {
            guard let id = event.id else { continue }
            if let why = unreadableCases[event.caseID] {
                unreadable.append(UnreadableEvent(id: id, caseID: event.caseID, reason: why))
                continue
            }
            do {
                if byCase[event.caseID] == nil {
                    let (notes, version) = try context(db, event.caseID, strict: true)
                    byCase[event.caseID] = CaseSnapshot(
                        caseID: event.caseID, events: [], notes: notes, version: version)
                    order.append(event.caseID)
                }
                var moot = false
                if event.dueAt != nil { moot = try theOtherSideWrote(since: event, db) }
                var overridden: (Int64, ApprovalRecord)?
                if event.type == Engine.overrideEvent, let approval = Int64("\(event.payload["approval"] ?? "")"),
                    let original = try openOverride(approval, caseID: event.caseID, db)
                {
                    overridden = (approval, original)
                }
                byCase[event.caseID]?.events.append(event)
                if moot { byCase[event.caseID]?.moot.insert(id) }
                if let (approval, original) = overridden { byCase[event.caseID]?.overridden[approval] = original }
            } catch let error as DatabaseError {
                throw error
            } catch {
                let reason = Engine.message(error)
                if byCase[event.caseID] == nil { unreadableCases[event.caseID] = reason }
                unreadable.append(UnreadableEvent(id: id, caseID: event.caseID, reason: reason))
            }
        }
        var busy: [DateInterval] = []
        var badBusy: [Int64: String] = [:]
        if busyTimes && !events.isEmpty {
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT id, starts_at, ends_at FROM calendar_busy WHERE ends_at > ?"),
                arguments: [StoredDate.text(now)])
            {
                do {
                    let start = try row.decode(Date.self, forColumn: "starts_at")
                    let end = try row.decode(Date.self, forColumn: "ends_at")
                    guard start <= end else { throw UnreadableData(description: "it ends before it starts") }
                    busy.append(DateInterval(start: start, end: end))
                } catch let error as DatabaseError {
                    throw error
                } catch {
                    badBusy[(try? row.decode(Int64.self, forColumn: "id")) ?? 0] = Engine.message(error)
                }
            }
        }
        let cases = order.compactMap { byCase[$0] }.filter { !$0.events.isEmpty }
        return (StepSnapshot(cases: cases, busy: busy, now: now), unreadable, badBusy)
    }

    /// Up to `limit` waiting events, oldest first: those ready now, and delayed ones that are due.
    /// Each query has its own partial index, which holds only what waits. A row that does not
    /// decode as an event (or whose payload is not a JSON object) comes back as a failure.
    private static func waitingEvents(
        _ db: Database, now: Date, limit: Int, excluding: Set<String>
    ) throws -> [Result<EventRecord, UnreadableEvent>] {
        let busyCases = excluding.isEmpty ? "" : " AND case_id NOT IN (SELECT value FROM json_each(?))"
        let busyJSON = excluding.isEmpty ? [] : [StringListJSON.encode(excluding.sorted())]
        let ready = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(EventRecord.positionalColumns) FROM event
                    WHERE status = 'pending' AND due_at IS NULL\(busyCases) ORDER BY id LIMIT ?
                    """),
            arguments: StatementArguments(busyJSON + [limit]))
        let due = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(EventRecord.positionalColumns) FROM event
                    WHERE status = 'pending' AND due_at IS NOT NULL AND due_at <= ?\(busyCases)
                    ORDER BY due_at LIMIT ?
                    """), arguments: StatementArguments([StoredDate.text(now)] + busyJSON + [limit]))
        let rows = (ready + due).compactMap { row in
            // The id is the table's INTEGER PRIMARY KEY: always there, always an integer.
            (try? row.decode(Int64.self, atIndex: 0)).map { (id: $0, row: row) }
        }
        return rows.sorted { $0.id < $1.id }.prefix(limit).map { id, row in
            do {
                let event = try EventRecord(positional: row)
                guard event.isPayloadAnObject else {
                    throw UnreadableData(description: "its payload_json is not a JSON object")
                }
                return .success(event)
            } catch {
                let caseID = (try? row.decode(String?.self, atIndex: 2)) ?? nil
                return .failure(UnreadableEvent(id: id, caseID: caseID ?? "unknown", reason: Engine.message(error)))
            }
        }
    }

    /// Whether an event from outside arrived on the delayed event's case after it was set.
    private static func theOtherSideWrote(since delayed: EventRecord, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM event WHERE case_id = ? AND id > ? AND producer IN (\(databaseQuestionMarks(count: Engine.externalProducers.count))))
                """, arguments: [delayed.caseID, delayed.id] + StatementArguments(Engine.externalProducers)) ?? false
    }

    /// The approval `id` if it is an override of `caseID` not yet revised.
    static func openOverride(_ id: Int64, caseID: String, _ db: Database) throws -> ApprovalRecord? {
        guard let original = try ApprovalRecord.fetchOne(db, key: id), original.status == .overridden,
            original.caseID == caseID, try ApprovalRecord.filter(Column("revises") == id).fetchCount(db) == 0
        else { return nil }
        return original
    }

    /// Dead-letters the unreadable events and audits the busy times skipped (each once per process).
    /// A store that cannot write now (a full disk) is no reason to stop the step: the events are
    /// left out again at the next read, and dead-lettered once the write goes through.
    private func report(unreadable: [UnreadableEvent], badBusy: [Int64: String], at now: Date) async {
        let busyKey = { (id: Int64) in "\(self.installID)#\(id)" }
        let newBusy = badBusy.filter { id, _ in !Self.reportedBusy.withLock { $0.contains(busyKey(id)) } }
        guard !unreadable.isEmpty || !newBusy.isEmpty else { return }
        do {
            try await database.write { db in
                for bad in unreadable {
                    let message = "stored data could not be read: \(bad.reason)"
                    try db.execute(
                        sql: """
                            UPDATE event SET status = 'dead', last_error = ?, dead_at = ?
                            WHERE id = ? AND status = 'pending'
                            """, arguments: [message, StoredDate.text(now), bad.id])
                    guard db.changesCount == 1 else { continue }
                    try Self.appendAudit(
                        db, at: now, caseID: bad.caseID, agent: nil, kind: .dead,
                        detail:
                            "dead-lettered: \(message) (event #\(bad.id); fix or delete the row, then `baton event retry \(bad.id)`)"
                    )
                }
                for (id, reason) in newBusy.sorted(by: { $0.key < $1.key }) {
                    try Self.appendAudit(
                        db, at: now, caseID: "calendar", agent: nil, kind: .unreadable,
                        detail:
                            "busy time #\(id) skipped: stored data could not be read: \(reason) (fix or delete the row in calendar_busy)"
                    )
                }
            }
            Self.reportedBusy.withLock { reported in for id in newBusy.keys { reported.insert(busyKey(id)) } }
        } catch {
            // Not written (the disk is full, say): tried again with the next read that meets them.
        }
    }

    /// The unreadable busy times already audited by this process.
    private static let reportedBusy = Mutex<Set<String>>([])
}

extension AuditKind {
    /// Stored data that could not be read was skipped (a busy time of the built-in calendar).
    public static let unreadable = AuditKind(rawValue: "unreadable")
}

/// A list of strings as JSON, for `json_each`.
enum StringListJSON {
    static func encode(_ list: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(list)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

extension EventRecord {
    /// The event in `row`, with what can be read when it does not decode whole: a date that does
    /// not read becomes the earliest date (or, for the creation, the death), other fields their
    /// empty value. For listings of dead events, which must show those dead because of such a row.
    static func leniently(_ row: Row) -> EventRecord? {
        if let event = try? EventRecord(row: row) { return event }
        guard let id = try? row.decode(Int64.self, forColumn: "id") else { return nil }
        func text(_ column: String) -> String? { (try? row.decode(String?.self, forColumn: column)) ?? nil }
        func date(_ column: String) -> Date? { (try? row.decode(Date?.self, forColumn: column)) ?? nil }
        let deadAt = date("dead_at")
        return EventRecord(
            id: id, type: text("type") ?? "", caseID: text("case_id") ?? "",
            causationID: (try? row.decode(Int64?.self, forColumn: "causation_id")) ?? nil,
            payloadJSON: text("payload_json") ?? "", producer: text("producer") ?? "",
            idempotencyKey: text("idempotency_key"),
            status: text("status").flatMap(Status.init(rawValue:)) ?? .dead,
            createdAt: date("created_at") ?? deadAt ?? .distantPast, dueAt: date("due_at"),
            attempts: (try? row.decode(Int.self, forColumn: "attempts")) ?? 0, lastError: text("last_error"),
            deadAt: deadAt)
    }
}
