import Foundation
import GRDB

extension Engine {
    /// Reads a step's snapshot in one short read: up to `limit` waiting events (ready ones, and
    /// delayed ones that are due), oldest first, of cases not in `excluding` (those a step is
    /// already working on), grouped by case with each case's context and what its decisions need.
    func read(limit: Int, excluding: Set<String>) async throws -> StepSnapshot {
        let now = store.clock()
        let readsCalendar = readsCalendar
        return try await store.database.read { db in
            let events = try Self.waitingEvents(db, now: now, limit: limit, excluding: excluding)
            var order: [String] = []
            var byCase: [String: CaseSnapshot] = [:]
            for event in events {
                if byCase[event.caseID] == nil {
                    let (notes, version) = try RuntimeStore.context(db, event.caseID)
                    byCase[event.caseID] = CaseSnapshot(
                        caseID: event.caseID, events: [], notes: notes, version: version)
                    order.append(event.caseID)
                }
                byCase[event.caseID]!.events.append(event)
                if event.dueAt != nil, try Self.theOtherSideWrote(since: event, db) {
                    byCase[event.caseID]!.moot.insert(event.id!)
                }
                if event.type == Self.overrideEvent, let id = Int64("\(event.payload["approval"] ?? "")"),
                    let original = try Self.openOverride(id, caseID: event.caseID, db)
                {
                    byCase[event.caseID]!.overridden[id] = original
                }
            }
            let busy =
                readsCalendar && !events.isEmpty
                ? try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT starts_at, ends_at FROM calendar_busy WHERE ends_at > ?"),
                    arguments: [now]
                ).map { DateInterval(start: $0["starts_at"], end: $0["ends_at"]) } : []
            return StepSnapshot(cases: order.map { byCase[$0]! }, busy: busy, now: now)
        }
    }

    /// Up to `limit` waiting events, oldest first: those ready now, and delayed ones that are due.
    /// Each query has its own partial index, which holds only what waits.
    private static func waitingEvents(
        _ db: Database, now: Date, limit: Int, excluding: Set<String>
    ) throws -> [EventRecord] {
        let busyCases = excluding.isEmpty ? "" : " AND case_id NOT IN (SELECT value FROM json_each(?))"
        let busyJSON = excluding.isEmpty ? [] : [StringListJSON.encode(excluding.sorted())]
        let ready = try EventRecord.fetchAll(
            db.cachedStatement(
                sql: "SELECT * FROM event WHERE status = 'pending' AND due_at IS NULL\(busyCases) ORDER BY id LIMIT ?"),
            arguments: StatementArguments(busyJSON + [limit]))
        let due = try EventRecord.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM event WHERE status = 'pending' AND due_at IS NOT NULL AND due_at <= ?\(busyCases)
                    ORDER BY due_at LIMIT ?
                    """), arguments: StatementArguments([now] + busyJSON + [limit]))
        return Array((ready + due).sorted { $0.id! < $1.id! }.prefix(limit))
    }

    /// Whether an event from outside arrived on the delayed event's case after it was set.
    private static func theOtherSideWrote(since delayed: EventRecord, _ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM event WHERE case_id = ? AND id > ? AND producer IN (\(databaseQuestionMarks(count: externalProducers.count))))
                """, arguments: [delayed.caseID, delayed.id] + StatementArguments(externalProducers)) ?? false
    }

    /// The approval `id` if it is an override of `caseID` not yet revised.
    static func openOverride(_ id: Int64, caseID: String, _ db: Database) throws -> ApprovalRecord? {
        guard let original = try ApprovalRecord.fetchOne(db, key: id), original.status == .overridden,
            original.caseID == caseID, try ApprovalRecord.filter(Column("revises") == id).fetchCount(db) == 0
        else { return nil }
        return original
    }
}

/// A list of strings as JSON, for `json_each`.
enum StringListJSON {
    static func encode(_ list: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(list)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
