import Foundation
import GRDB

/// Events whose processing failed as many times as the engine tries: found, and put back by a person.
extension RuntimeStore {
    /// The dead events, the most recently dead first; only those that died in `[start, end)` when given.
    public func deadEvents(from start: Date? = nil, to end: Date? = nil) throws -> [EventRecord] {
        try database.read { try Self.deadEvents($0, from: start, to: end) }
    }

    static func deadEvents(_ db: Database, from start: Date?, to end: Date?) throws -> [EventRecord] {
        var request = EventRecord.filter(Column("status") == EventRecord.Status.dead.rawValue)
        if let start { request = request.filter(Column("dead_at") >= start) }
        if let end { request = request.filter(Column("dead_at") < end) }
        // Listed with what can be read, also when a row does not decode whole (its dates, say):
        // those are the events dead-lettered because their stored data could not be read.
        return try Row.fetchAll(db, request.order(Column("dead_at").desc, Column("id").desc)).compactMap(
            EventRecord.leniently)
    }

    /// Puts dead event `id` back in the queue with its attempts reset, and says so on its case's
    /// audit log; the engine takes it with its next batch.
    ///
    /// - Throws: ``EventRetryError`` when there is no such event or it is not dead.
    @discardableResult
    public func retryDeadEvent(_ id: Int64) throws -> EventRecord {
        let now = clock()
        return try database.write { try Self.retryDeadEvent($0, id, at: now) }
    }

    static func retryDeadEvent(_ db: Database, _ id: Int64, at now: Date) throws -> EventRecord {
        let (event, detail) = try EventRetryError.retried(try EventRecord.fetchOne(db, key: id), id: id)
        try db.execute(
            sql: """
                UPDATE event SET status = 'pending', attempts = 0, last_error = NULL, dead_at = NULL
                WHERE id = ?
                """, arguments: [id])
        try RuntimeStore.appendAudit(db, at: now, caseID: event.caseID, agent: nil, kind: .retried, detail: detail)
        return event
    }
}

/// Why `baton event retry` cannot put an event back.
public struct EventRetryError: Error, CustomStringConvertible {
    enum Reason {
        case unknown(Int64)
        case notDead(Int64, EventRecord.Status)
    }
    let reason: Reason

    init(_ reason: Reason) { self.reason = reason }

    /// Dead event `id` (`stored`, nil when there is none) as a retry leaves it, back in the queue
    /// with its tries reset, and the line its case's audit log says so with; the rule every store keeps.
    ///
    /// - Throws: ``EventRetryError`` when there is no such event or it is not dead.
    package static func retried(_ stored: EventRecord?, id: Int64) throws -> (event: EventRecord, detail: String) {
        guard var event = stored else { throw EventRetryError(.unknown(id)) }
        guard event.status == .dead else { throw EventRetryError(.notDead(id, event.status)) }
        let detail =
            "\(event.type) #\(id) put back in the queue by a person (it had failed with: \(event.lastError ?? "no error kept"))"
        event.status = .pending
        event.attempts = 0
        event.lastError = nil
        event.deadAt = nil
        return (event, detail)
    }

    public var description: String {
        switch reason {
        case .unknown(let id):
            return "no event \(id) (see `baton event list --dead` for the events waiting to be retried)"
        case .notDead(let id, let status):
            return
                "event \(id) is \(status.rawValue), not dead: only an event that failed every try can be retried (see `baton event list --dead`)"
        }
    }
}
