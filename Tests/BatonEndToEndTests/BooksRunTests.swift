import BatonTestSupport
import Foundation
import Testing

/// The books through the real binary: a Xero export imported, `baton run --once` on the days the
/// clock is set to (`BATON_NOW`), the reminders' `.eml` files on the right local mornings across
/// the change to daylight-saving time in Denver, and none once the export says paid.
struct BooksRunTests {
    /// The dental clinic's blueprint in Denver: reminders at 3, 10 and 21 days, 09:00 on weekdays.
    static func blueprint(in folder: String) throws -> String {
        let golden = BatonBinary.packageRoot.appendingPathComponent(
            "Tests/BlueprintTests/Golden/dental-clinic.blueprint.yaml")
        let text = try String(contentsOf: golden, encoding: .utf8)
            .replacingOccurrences(of: "America/Vancouver", with: "America/Denver")
        #expect(text.contains("reminder_days:\n    - 3\n    - 10\n    - 21"))
        let path = folder + "/clinic.blueprint.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Xero's export: one row per line item, dates day first.
    static func export(secondStatus: String, secondDue: String) -> String {
        """
        ContactName,EmailAddress,POAddressLine1,InvoiceNumber,Reference,InvoiceDate,DueDate,Total,TaxTotal,InvoiceAmountPaid,InvoiceAmountDue,Description,Quantity,Currency,Type,Status
        Dana Lee,dana@example.com,1 Main St,INV-0001,Cleaning,20/02/2026,06/03/2026,"1,250.00",0.00,0.00,"1,250.00",Cleaning,1,USD,Sales Invoice,Awaiting Payment
        Dana Lee,dana@example.com,1 Main St,INV-0001,Cleaning,20/02/2026,06/03/2026,"1,250.00",0.00,0.00,"1,250.00",X-rays,2,USD,Sales Invoice,Awaiting Payment
        "Sam Roe, DDS",sam@example.com,2 Elm St,INV-0002,Filling,20/02/2026,06/03/2026,480.50,0.00,\(secondStatus == "Paid" ? "480.50" : "0.00"),\(secondStatus == "Paid" ? "0.00" : "480.50"),Filling,1,USD,Sales Invoice,\(secondStatus)
        Pat Poe,pat@example.com,3 Oak St,INV-0003,Crown,20/02/2026,\(secondDue),"=HYPERLINK(""http://evil.example"")",0.00,0.00,0.00,Crown,1,USD,Sales Invoice,Awaiting Payment

        """
    }

    /// The `.eml` files in the outbox, by name.
    static func emails(_ data: String) throws -> [String: String] {
        let outbox = data + "/outbox"
        guard FileManager.default.fileExists(atPath: outbox) else { return [:] }
        var found: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: outbox) where name.hasSuffix(".eml") {
            found[name] = try String(contentsOfFile: outbox + "/" + name, encoding: .utf8)
        }
        return found
    }

    @Test func remindersOfAXeroExportGoOnTheirLocalMorningsAndStopWhenPaid() async throws {
        let data = BatonBinary.temporaryFolder()
        let blueprint = try Self.blueprint(in: data)
        let csv = data + "/invoices.csv"
        try Self.export(secondStatus: "Awaiting Payment", secondDue: "06/03/2026").write(
            toFile: csv, atomically: true, encoding: .utf8)
        let imported = try await BatonBinary.run(["books", "import", csv, "--source", "xero", "--data-dir", data])
        #expect(imported.status == 2, "\(imported.stderr)")  // one row refused
        #expect(
            imported.stdout.contains("2 invoices added, 0 updated, 0 unchanged, 1 rows refused"), "\(imported.stdout)")
        #expect(imported.stdout.contains("(1 rows were line items of an invoice above)"))
        #expect(imported.stderr.contains("\(csv):5: total: '=HYPERLINK(\"http://evil.example\")' is not an amount"))

        // Each run: the clock set, `baton run --once`, and the emails that appeared.
        var seen: Set<String> = []
        func run(at time: String) async throws -> [String] {
            let result = try await BatonBinary.run(
                ["run", blueprint, "--once", "--data-dir", data], environment: ["BATON_NOW": time])
            #expect(result.status == 0, "\(time): \(result.stderr)")
            var new: [String] = []
            for (name, text) in try Self.emails(data).sorted(by: { $0.key < $1.key }) where seen.insert(name).inserted {
                new.append(text)
            }
            return new
        }
        func recipients(_ mails: [String]) -> [String] {
            mails.compactMap { mail in
                mail.split(separator: "\r\n").first { $0.hasPrefix("To: ") }.map { String($0.dropFirst(4)) }
            }.sorted()
        }
        // Friday 6 March, the due date: 08:30 MST is before the morning, 09:05 MST (16:05Z) is after.
        #expect(try await run(at: "2026-03-06T15:30:00Z").isEmpty)
        let due = try await run(at: "2026-03-06T16:05:00Z")
        #expect(recipients(due) == ["dana@example.com", "sam@example.com"])
        #expect(due.allSatisfy { $0.contains("is due today") })
        #expect(due.contains { $0.contains("1,250.00 USD") } && due.contains { $0.contains("480.50 USD") })
        // Run again the same morning: nothing twice.
        #expect(try await run(at: "2026-03-06T16:30:00Z").isEmpty)
        // Monday 9 March, 3 days on, after the change to MDT: 09:00 is 15:00Z, not 16:00Z.
        #expect(try await run(at: "2026-03-09T14:55:00Z").isEmpty)
        let third = try await run(at: "2026-03-09T15:05:00Z")
        #expect(recipients(third) == ["dana@example.com", "sam@example.com"])
        #expect(third.allSatisfy { $0.contains("3 days ago") })

        // Sam paid: the export says so, and nothing more goes to Sam.
        try Self.export(secondStatus: "Paid", secondDue: "06/03/2026").write(
            toFile: csv, atomically: true, encoding: .utf8)
        let again = try await BatonBinary.run(["books", "import", csv, "--source", "xero", "--data-dir", data])
        #expect(again.stdout.contains("0 invoices added, 1 updated, 1 unchanged"), "\(again.stdout)")
        #expect(again.stdout.contains("no longer chased (paid or voided): INV-0002"))
        let tenth = try await run(at: "2026-03-16T15:05:00Z")
        #expect(recipients(tenth) == ["dana@example.com"])
        #expect(tenth.first?.contains("10 days overdue") == true)
        let twentyFirst = try await run(at: "2026-03-27T15:05:00Z")
        #expect(recipients(twentyFirst) == ["dana@example.com"])
        #expect(try await run(at: "2026-05-01T15:05:00Z").isEmpty)

        let list = try await BatonBinary.run(
            ["books", "list", "--all", "--data-dir", data], environment: ["BATON_NOW": "2026-03-27T16:00:00Z"])
        #expect(
            list.stdout.contains("INV-0001  Dana Lee  1,250.00 USD  21 days overdue; reminded at 21 days"),
            "\(list.stdout)")
        #expect(list.stdout.contains("INV-0002  Sam Roe, DDS  480.50 USD  paid"))
        let report = try await BatonBinary.run([
            "daily-report", "--date", "2026-03-16", "--out", data + "/reports", "--data-dir", data,
        ])
        #expect(report.status == 0, "\(report.stderr)")
        let markdown = try String(contentsOfFile: data + "/reports/daily-2026-03-16.md", encoding: .utf8)
        #expect(
            markdown.contains("- chased: INV-0001 Dana Lee, 1,250.00 USD: 10 days overdue, reminded"), "\(markdown)")
    }

    @Test func aClockThatIsNotATimeIsRefused() async throws {
        let data = BatonBinary.temporaryFolder()
        let result = try await BatonBinary.run(
            ["run", try Self.blueprint(in: data), "--once", "--data-dir", data], environment: ["BATON_NOW": "tomorrow"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("BATON_NOW must be an RFC 3339 time"))
    }
}
