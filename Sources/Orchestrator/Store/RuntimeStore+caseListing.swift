import Foundation
import GRDB

/// One case in `baton cases list`: when it opened, its latest event, how many events it has.
public struct CaseSummary: Sendable, Equatable, Encodable {
    public let id: String
    /// When its first event was stored.
    public let openedAt: Date
    public let latestEvent: String
    public let latestAt: Date
    public let events: Int
}

/// A page of cases, newest first, and the cursor of the next page (nil on the last one).
public struct CasePage: Sendable, Equatable {
    public let cases: [CaseSummary]
    /// Pass it as `after` (`baton cases list --after CURSOR`) for the next page.
    public let next: String?
}

/// Why a case cursor cannot be read.
public struct CaseCursorError: Error, CustomStringConvertible {
    let cursor: String
    public var description: String {
        "'\(cursor)' is not a case cursor: pass the one a previous page printed (`next page: --after N`)"
    }
}

extension RuntimeStore {
    /// The default page size of ``cases(limit:after:)``.
    public static let defaultCasePage = 50

    /// Cases newest first (by their first event), `limit` at a time; `after` is the cursor a previous
    /// page returned. A case keeps its place whatever happens to it later, so paging while the system
    /// runs shows every case that existed at the first page exactly once (new ones appear on top).
    ///
    /// The cursor is the id of the first event of the page's last case: ids are unique and increase
    /// as events are stored, so cases opened in the same millisecond are still ordered. The walk goes
    /// down the event ids from the cursor and keeps the events that opened their case (no earlier
    /// event in `event_case`), so a page costs about its own cases' events, not the history.
    ///
    /// - Throws: ``CaseCursorError`` for a cursor that is not one.
    public func cases(limit: Int = RuntimeStore.defaultCasePage, after cursor: String? = nil) throws -> CasePage {
        let before = try Self.eventBefore(cursor)
        return try database.read { try Self.casePage($0, limit: limit, before: before) }
    }

    package func casePage(limit: Int, after cursor: String?) async throws -> CasePage {
        let before = try Self.eventBefore(cursor)
        return try await database.read { try Self.casePage($0, limit: limit, before: before) }
    }

    /// The event id a cursor names (the page goes below it); the top for none.
    package static func eventBefore(_ cursor: String?) throws -> Int64 {
        guard let cursor else { return .max }
        guard let id = Int64(cursor), id > 0 else { throw CaseCursorError(cursor: cursor) }
        return id
    }

    static func casePage(_ db: Database, limit: Int, before: Int64) throws -> CasePage {
        let limit = max(1, limit)
        let openers = try Row.fetchAll(db, sql: Self.caseOpenersSQL, arguments: [before, limit + 1])
        let shown = openers.prefix(limit)
        let latest = try db.cachedStatement(
            sql: "SELECT type, created_at FROM event WHERE case_id = ? ORDER BY id DESC LIMIT 1")
        let count = try db.cachedStatement(sql: "SELECT count(*) FROM event WHERE case_id = ?")
        let cases = try shown.map { row -> CaseSummary in
            let id = (try? row.decode(String.self, forColumn: "case_id")) ?? ""
            let last = try Row.fetchOne(latest, arguments: [id])
            // A stored date that does not read shows as the earliest date, never stops the listing.
            let opened = (try? row.decode(Date.self, forColumn: "created_at")) ?? .distantPast
            return CaseSummary(
                id: id, openedAt: opened,
                latestEvent: (try? last?.decode(String.self, forColumn: "type")) ?? "",
                latestAt: (try? last?.decode(Date.self, forColumn: "created_at")) ?? opened,
                events: try Int.fetchOne(count, arguments: [id]) ?? 0)
        }
        let next =
            openers.count > limit
            ? try shown.last.map { String(try $0.stored("id", in: "event", as: Int64.self)) } : nil
        return CasePage(cases: cases, next: next)
    }

    /// The events that opened their case, newest first, below an id.
    static let caseOpenersSQL = """
        SELECT e.id, e.case_id, e.created_at FROM event e
        WHERE e.id < ? AND NOT EXISTS (SELECT 1 FROM event p WHERE p.case_id = e.case_id AND p.id < e.id)
        ORDER BY e.id DESC LIMIT ?
        """
}
