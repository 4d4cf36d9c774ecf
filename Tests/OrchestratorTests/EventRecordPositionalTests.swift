import BatonTestSupport
import Foundation
import GRDB
import Testing

@testable import Orchestrator

/// The step's read decodes events by position: the same events the by-name decoding gives, for
/// every mix of empty and set columns, and the same refusal of a row that does not read.
struct EventRecordPositionalTests {
    @Test func generatedRowsDecodeAsByName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "baton-positional-\(UUID().uuidString)"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try RuntimeStore(folder: folder)
        let queue = try DatabaseQueue(path: folder + "/runtime.sqlite")
        var random = SplitMix(state: 0x9051_7104)
        let statuses: [EventRecord.Status] = [.pending, .done, .cancelled, .dead]
        func maybe<T>(_ value: T) -> T? { Bool.random(using: &random) ? value : nil }
        func date() -> Date {
            Date(timeIntervalSince1970: Double(Int.random(in: 0...4_000_000_000_000, using: &random)) / 1000)
        }
        try queue.write { db in
            for n in 0..<300 {
                let event = EventRecord(
                    id: nil, type: ["lead.received", "times.offered", "é 東京"].randomElement(using: &random)!,
                    caseID: "case-\(n % 37)", causationID: maybe(Int64(n)),
                    payloadJSON: StringMapJSON.encode(["n": "\(n)"]),
                    producer: ["intake", "qualifier", "cli"].randomElement(using: &random)!,
                    idempotencyKey: maybe("key-\(n)"), status: statuses.randomElement(using: &random)!,
                    createdAt: date(),
                    dueAt: maybe(date()), attempts: Int.random(in: 0...5, using: &random),
                    lastError: maybe("boom \(n)"),
                    deadAt: maybe(date()))
                try event.insert(db)
            }
        }
        try queue.read { db in
            let byName = try EventRecord.fetchAll(db, sql: "SELECT * FROM event ORDER BY id")
            let byPosition = try Row.fetchAll(
                db, sql: "SELECT \(EventRecord.positionalColumns) FROM event ORDER BY id"
            ).map(EventRecord.init(positional:))
            #expect(byName.count == 300)
            #expect(byPosition == byName)
        }
        try queue.write { db in
            try db.execute(sql: "UPDATE event SET status = 'lost' WHERE id = 1")
            try db.execute(sql: "UPDATE event SET created_at = 'noon' WHERE id = 2")
        }
        try queue.read { db in
            for id in [1, 2] {
                let row = try #require(
                    try Row.fetchOne(
                        db, sql: "SELECT \(EventRecord.positionalColumns) FROM event WHERE id = ?", arguments: [id]))
                #expect(throws: (any Error).self) { try EventRecord(positional: row) }
                #expect(throws: (any Error).self) { try EventRecord.fetchOne(db, key: id) }
            }
        }
    }
}
