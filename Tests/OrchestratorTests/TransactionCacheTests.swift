import BatonTestSupport
import Foundation
import GRDB
import Testing

@testable import Orchestrator

/// What a write transaction finds once: its statements and the text of its time.
struct TransactionCacheTests {
    @Test("the time's text is always the date's own, over generated runs of repeated and changing dates")
    func theTimeTextFollowsTheDate() {
        var random = SplitMix(seed: 77)
        let cache = TransactionCache()
        var date = Date(timeIntervalSince1970: 1_780_000_000)
        for _ in 0..<2_000 {
            if random.chance(40) { date = date.addingTimeInterval(Double(random.below(100_000)) / 1000) }
            #expect(cache.text(date) == StoredDate.text(date))
        }
    }

    @Test("one statement per SQL text in a transaction, the same each time it is asked for")
    func eachStatementIsPreparedOnce() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try db.execute(sql: "CREATE TABLE t (a)")
            let cache = TransactionCache()
            let insert = try cache.statement("INSERT INTO t (a) VALUES (?)", in: db)
            #expect(try cache.statement("INSERT INTO t (a) VALUES (?)", in: db) === insert)
            #expect(try cache.statement("SELECT count(*) FROM t", in: db) !== insert)
            try insert.execute(arguments: [1])
            try cache.statement("INSERT INTO t (a) VALUES (?)", in: db).execute(arguments: [2])
            #expect(try Int.fetchOne(cache.statement("SELECT count(*) FROM t", in: db)) == 2)
        }
    }
}
