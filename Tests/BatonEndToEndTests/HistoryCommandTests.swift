import BatonTestSupport
import Foundation
import GRDB
import Testing

/// Paging and retention through the real binary: `baton cases list --limit/--after` and `baton prune`.
struct HistoryCommandTests {
    /// The business's day `offset` days from today, as YYYY-MM-DD (the plumbing blueprint is in Edmonton).
    static func day(_ offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/Edmonton")!
        let date = calendar.date(byAdding: .day, value: offset, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test func casesPageNewestFirstAndPruneKeepsTheFigures() async throws {
        let data = BatonBinary.temporaryFolder()
        func baton(_ arguments: String...) async throws -> BatonBinary.RunResult {
            try await BatonBinary.run(arguments + ["--data-dir", data])
        }
        for n in 1...7 {
            let sent = try await baton(
                "event", "send", "lead.received", "--payload", RuntimeCommandTests.lead(n), "--case", "lead-\(n)")
            #expect(sent.status == 0, "\(sent.stderr)")
        }
        let run = try await baton("run", RuntimeCommandTests.blueprint, "--once")
        #expect(run.status == 0, "\(run.stderr)")

        // Pages of 3, following the cursor each page prints: every case once, newest first.
        var listed: [String] = []
        var arguments = ["cases", "list", "--limit", "3"]
        while true {
            let page = try await BatonBinary.run(arguments + ["--data-dir", data])
            #expect(page.status == 0, "\(page.stderr)")
            let lines = page.stdout.split(separator: "\n").map(String.init)
            listed += lines.dropLast().map { String($0.split(separator: " ")[0]) }
            guard let last = lines.last, last.hasPrefix("next page: ") else {
                #expect(lines.last == "(last page)")
                break
            }
            #expect(lines.count == 4)
            arguments = last.dropFirst("next page: baton ".count).split(separator: " ").map(String.init)
        }
        #expect(listed == (1...7).reversed().map { "lead-\($0)" })
        // The same through --json: "next" is the cursor, null on the last page.
        var cursor: String?
        var viaJSON: [String] = []
        repeat {
            let page = try await BatonBinary.run(
                ["cases", "list", "--json", "--limit", "4"] + (cursor.map { ["--after", $0] } ?? []) + [
                    "--data-dir", data,
                ])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(page.stdout.utf8)) as? [String: Any])
            let cases = try #require(object["cases"] as? [[String: String]])
            viaJSON += cases.map { $0["id"]! }
            cursor = object["next"] as? String
            #expect(object.keys.contains("next"))
        } while cursor != nil
        #expect(viaJSON == listed)
        let bad = try await baton("cases", "list", "--after", "not-a-cursor")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("not a case cursor"))

        // Prune refuses a day after the start of today (today's data) and one in the future.
        for date in [Self.day(1), Self.day(30)] {
            let refused = try await baton("prune", "--before", date)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
        }
        #expect(try await baton("prune", "--before", "2026-02-30").status != 0)
        #expect(try await baton("prune", "--help").stdout.contains("never touched"))

        // Ten days ago, settled: every time moved back, the reminders gone out.
        let database = try DatabaseQueue(path: data + "/runtime.sqlite")
        try await database.write { db in
            func back(_ table: String, _ column: String) throws {
                try db.execute(
                    sql:
                        "UPDATE \(table) SET \(column) = strftime('%Y-%m-%d %H:%M:%f', \(column), '-10 days') WHERE \(column) IS NOT NULL"
                )
            }
            for column in ["created_at", "due_at"] { try back("event", column) }
            for column in ["created_at", "sent_at", "next_attempt_at"] { try back("outbox", column) }
            try back("audit", "at")
            try back("approval", "created_at")
            try back("approval", "decided_at")
            try db.execute(sql: "UPDATE event SET status = 'done' WHERE status = 'pending'")
        }
        try database.close()
        let tenDaysAgo = Self.day(-10)
        func figures() async throws -> [String] {
            [
                try await baton("daily-report", "--date", tenDaysAgo, "--out", data + "/reports").stdout,
                try await baton("kpis", "--since", Self.day(-11), "--json").stdout,
                try await baton("cases", "list", "--json").stdout,
            ]
        }
        let before = try await figures()
        #expect(before[0].contains("- tasks processed: 7"), "\(before[0])")
        #expect(before[1].contains("\"leads_answered\" : 7"), "\(before[1])")
        let pruned = try await baton("prune", "--before", Self.day(0))
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains("closed cases: 7 (event payloads "), "\(pruned.stdout)")
        #expect(try await figures() == before)
        let payloads = try await DatabaseQueue(path: data + "/runtime.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT payload_json FROM event")
        }
        #expect(!payloads.isEmpty && payloads.allSatisfy { $0 == "{}" })
        let again = try await baton("prune", "--before", Self.day(0), "--json")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Int])
        #expect(summary["event_payloads"] == 0 && summary["audit_lines"] == 0)
    }
}
