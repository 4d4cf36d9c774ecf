import BatonTestSupport
import Foundation
import Testing

/// Plain contact-form leads through the real binary: `baton event send` of each, `baton run
/// --once` on the plumbing contractor's blueprint, then the `.eml` outbox: every lead has its
/// reply, and the daily report names the one that could not be answered.
struct ContactFormLeadsTests {
    /// A form with only name, email, phone and message, as most small businesses' websites have.
    /// Twenty-two good fits (they say when, where or how much) and three weak ones (they get a
    /// question): with the two leads below, 27 scores and 3 questions from the qualifier, within the
    /// blueprint's 30 actions an hour (a burst beyond the limit is the hourly limits' business).
    static let messages = [
        "Hi, I need a quote for next week.", "Can someone come look at a leaking tap tomorrow?",
        "Our basement drain backed up, we need help ASAP.", "Water heater died this morning, urgent!",
        "Looking to replace our kitchen faucet next month.", "Furnace is making a loud noise, any chance this week?",
        "We're in Calgary and need a sump pump checked.", "Budget around $2,500 for a new water heater.",
        "Need a plumber within two weeks for a basement bathroom.", "Leak under the sink, can you come by Friday?",
        "Toilet keeps running, would like someone in two weeks.", "Hello! Quote for a dishwasher hookup, 2.5k max.",
        "Renovating this month, need rough-in plumbing.", "<p>Burst pipe in the garage. <b>Emergency!</b></p>",
        "Hi 👋 we just moved to Airdrie and need the gas line checked tomorrow.",
        "שלום, we need a new shower valve next week please", "Please come ASAP, no hot water 🥶",
        "Could you install a water softener in a few days?", "Our postal code is T2P 1J9, need a drain snaked.",
        "Around 3000 dollars for re-piping the bathroom?", "Do you do this kind of work? We are near Cochrane.",
        "hello, need someone tomorrow",
        "Please call me back.", "Can you give me an estimate?", "Interested in your services",
    ]

    static func lead(_ n: Int) -> String {
        let fields: [String: String] = [
            "name": ["Sam Patel", "Zoë Ørsted", "محمد", "Chris O'Brien", "J"][n % 5],
            "email": "contact\(n)@example.com", "phone": n % 2 == 0 ? "403-555-01\(10 + n)" : "",
            "message": messages[n],
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
    }

    @Test func everyContactFormLeadIsAnsweredAndTheReportNamesTheOneThatCannotBe() async throws {
        let data = BatonBinary.temporaryFolder()
        for n in 0..<25 {
            let sent = try await BatonBinary.run([
                "event", "send", "lead.received", "--payload", Self.lead(n), "--case", "form-\(n)", "--data-dir", data,
            ])
            #expect(sent.status == 0, "\(sent.stderr)")
        }
        // The demo's furnace lead, and a lead that left no email address.
        let furnace =
            #"{"name": "Priya", "email": "priya@example.com", "message": "Our furnace stopped working last night, can someone come tomorrow morning? We are in Bridgeland."}"#
        _ = try await BatonBinary.run([
            "event", "send", "lead.received", "--payload", furnace, "--case", "furnace", "--data-dir", data,
        ])
        _ = try await BatonBinary.run([
            "event", "send", "lead.received", "--payload", #"{"name": "Lee", "phone": "403-555-0100"}"#, "--case",
            "phone-only", "--data-dir", data,
        ])
        let run = try await BatonBinary.run(["run", RuntimeCommandTests.blueprint, "--once", "--data-dir", data])
        #expect(run.status == 0, "\(run.stderr)")
        let mails = try RuntimeCommandTests().replies(data)
        var unanswered: [Int] = []
        for n in 0..<25 where !mails.contains(where: { $0.contains("To: contact\(n)@example.com\r\n") }) {
            unanswered.append(n)
        }
        #expect(unanswered.isEmpty, "no reply to: \(unanswered.map { Self.messages[$0] })")
        let toFurnace = try #require(mails.first { $0.contains("To: priya@example.com\r\n") })
        #expect(toFurnace.contains("Here are times that work for us"))
        // Each lead has one first reply; the weak fits' reply asks them a question.
        #expect(mails.count == 26, "\(mails.count) emails")
        #expect(mails.filter { $0.contains("Just reply to this email and we will take it from there") }.count == 3)
        let report = try await BatonBinary.run(["daily-report", "--out", data + "/reports", "--data-dir", data])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(
            report.stdout.contains("- received: 27; answered: 26; waiting for a person: 0; unanswered: 1; spam: 0"),
            "\(report.stdout)")
        #expect(report.stdout.contains("  - phone-only: "), "\(report.stdout)")
    }
}
