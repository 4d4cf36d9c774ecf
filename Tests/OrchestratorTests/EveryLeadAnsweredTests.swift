import BatonTestSupport
import Blueprint
import Foundation
import Synchronization
import Testing

@testable import Orchestrator

/// Every lead gets an answer: plain contact-form leads on the plumbing contractor's blueprint are
/// answered (a good fit with times, a weak fit with a question) or wait for a person; spam gets
/// nothing and is counted; the daily report shows every lead without a reply.
struct EveryLeadAnsweredTests {
    /// What people write in a contact form that has only name, email, phone and message.
    static let messages = [
        "Hi, I need a quote for next week.", "Can someone come look at a leaking tap tomorrow?",
        "Our basement drain backed up, we need help ASAP.", "Do you install water heaters?",
        "Interested in a bathroom renovation this spring.", "Please call me back.", "", "Looking for a plumber",
        "Kitchen sink is clogged. We're in Calgary.", "How much for a new toilet? Budget around $500.",
        "Furnace is making a loud noise since Monday, any chance this week?", "hello",
        "Need a quote for a renovation in April, budget 15k.", "Can you give me an estimate?",
        "Water everywhere!!! Urgent", "Hi there 👋 we just bought a house in Airdrie and need an inspection.",
    ]

    static func contactForm(_ n: Int, _ random: inout SplitMix) -> [String: Any] {
        [
            "name": random.pick(["Sam Patel", "Zoë", "محمد", "Chris", "J"]), "email": "lead\(n)@example.com",
            "phone": random.pick(["", "403-555-01\(n % 100)"]), "message": random.pick(Self.messages),
        ]
    }

    /// Whether the case's lead got a reply (sent, or deferred by an hourly limit to go by itself) or
    /// waits for a person.
    static func answered(_ caseID: String, _ store: RuntimeStore) throws -> Bool {
        let replies = try store.outbox().filter { $0.caseID == caseID && $0.action == .emailSend }
        if replies.contains(where: { $0.status == .sent || $0.status == .deferred }) { return true }
        return try store.approvals().contains { $0.caseID == caseID && $0.status == .pending }
    }

    @Test func twentyFiveContactFormLeadsAreAllAnsweredOrWaitForAPerson() async throws {
        let blueprint = try LeadFlowTests.blueprint()
        for seed in UInt64(0)..<4 {
            let r = try LeadFlowTests.runtime(blueprint)
            var random = SplitMix(seed: seed)
            for n in 0..<25 {
                try r.store.submit(
                    type: "lead.received", caseID: "form-\(n)", payload: Self.contactForm(n, &random),
                    producer: "intake")
            }
            try await r.engine.runUntilIdle()
            while try await r.dispatcher.dispatch() > 0 {}
            for n in 0..<25 {
                #expect(try Self.answered("form-\(n)", r.store), "seed \(seed): form-\(n) got nothing")
            }
            let report = try await DailyReport(r.store, blueprint: blueprint, day: LeadFlowTests.monday)
            #expect(report.kpis.leadsReceived == 25, "seed \(seed)")
            // Only a reply an hourly limit holds for the next hour may still be on its way.
            #expect(
                report.leads.unanswered.allSatisfy { $0.contains("a reply goes at") },
                "seed \(seed): \(report.leads.unanswered)")
        }
    }

    @Test func theDemosFurnaceLeadGetsTheReplyWithTimes() async throws {
        let r = try LeadFlowTests.runtime()
        try r.store.submit(
            type: "lead.received", caseID: "furnace",
            payload: [
                "name": "Priya", "email": "priya@example.com",
                "message":
                    "Our furnace stopped working last night, can someone come tomorrow morning? We are in Bridgeland.",
            ], producer: "intake")
        try await r.engine.runUntilIdle()
        try await r.dispatcher.dispatch()
        let reply = try #require(
            try r.store.outbox().first { $0.caseID == "furnace" && $0.action == .emailSend && $0.status == .sent })
        #expect(reply.payloadJSON.contains("Here are times that work for us"))
        let qualifier = try r.store.context(caseID: "furnace").notes["lead_qualifier"] ?? [:]
        #expect(qualifier["fit"] == "good" && qualifier["timeline"] == "tomorrow" && qualifier["place"] == "Bridgeland")
        #expect(
            qualifier["summary"]?.hasPrefix(
                "Priya scored 80 (in_service_area: Bridgeland; timeline_within_month: tomorrow)") == true)
    }

    @Test func aWeakFitIsAskedTheOneQuestionThatWouldQualifyIt() async throws {
        let r = try LeadFlowTests.runtime()
        try r.store.submit(
            type: "lead.received", caseID: "weak",
            payload: ["name": "Sam", "email": "sam@example.com", "message": "Do you replace toilets?"],
            producer: "intake")
        #expect(try await r.engine.runUntilIdle() == 1)
        try await r.dispatcher.dispatch()
        let reply = try #require(try r.store.outbox().first { $0.caseID == "weak" && $0.action == .emailSend })
        #expect(reply.status == .sent && reply.agent == "lead_qualifier")
        let payload = try Approvals.payload(reply.payloadJSON)
        #expect(payload["to"] == "sam@example.com")
        #expect(payload["body"]?.contains("Hi Sam, thanks for reaching out") == true)
        #expect(payload["body"]?.contains("When would you like the work done?") == true)
        #expect(try r.store.context(caseID: "weak").notes["lead_qualifier"]?["fit"] == "weak")
    }

    @Test func aWeakFitWaitsForAPersonWhenTheBlueprintSaysSo() async throws {
        var blueprint = try LeadFlowTests.blueprint()
        let index = try #require(blueprint.agents.firstIndex { $0.id == "lead_qualifier" })
        blueprint.agents[index].settings["weak_fit"] = .string("wait_for_person")
        let r = try LeadFlowTests.runtime(blueprint)
        try r.store.submit(
            type: "lead.received", caseID: "weak",
            payload: ["name": "Sam", "email": "sam@example.com", "message": "hello"], producer: "intake")
        try await r.engine.runUntilIdle()
        try await r.dispatcher.dispatch()
        #expect(try r.store.outbox().filter { $0.action == .emailSend && $0.caseID == "weak" }.isEmpty)
        let approval = try #require(try r.store.approvals().first { $0.caseID == "weak" })
        #expect(approval.status == .pending && approval.action == .emailSend)
        #expect(approval.reason.contains("What can we help you with?"), "\(approval.reason)")
        let report = try await DailyReport(r.store, blueprint: blueprint, day: LeadFlowTests.monday)
        #expect(report.kpis.leadsWaitingForPerson == 1 && report.leads.waitingForPerson.count == 1)
    }

    @Test func spamGetsNothingAndIsCounted() async throws {
        let blueprint = try LeadFlowTests.blueprint()
        let r = try LeadFlowTests.runtime(blueprint)
        try r.store.submit(
            type: "lead.received", caseID: "spam",
            payload: [
                "name": "SEO Expert", "email": "bot@example.com",
                "message": "Get backlinks! https://a.example/1 https://b.example/2 https://c.example/3",
            ], producer: "intake")
        try await r.engine.runUntilIdle()
        try await r.dispatcher.dispatch()
        #expect(try r.store.outbox().filter { $0.caseID == "spam" }.isEmpty)
        let spam = try r.store.audit(caseID: "spam").filter { $0.kind == .spam }
        #expect(spam.map(\.detail) == ["lead.received: a farm of 3 links"])
        let report = try await DailyReport(r.store, blueprint: blueprint, day: LeadFlowTests.monday)
        #expect(report.kpis.leadsSpam == 1 && report.kpis.leadsUnanswered == 0 && report.leads.spam == 1)
        #expect(report.markdown.contains("- received: 1; answered: 0; waiting for a person: 0; unanswered: 0; spam: 1"))
    }

    /// The report: a lead with no reply made "leads answered: 1" and "edge cases: none".
    @Test func theDailyReportShowsEveryLeadWithoutAReply() async throws {
        let blueprint = try LeadFlowTests.blueprint()
        let now = Mutex(LeadFlowTests.monday)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-leads-\(UUID().uuidString)")
        let store = try RuntimeStore(folder: folder.path, clock: { now.withLock { $0 } })
        let engine = Engine(blueprint: blueprint, store: store)
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint, emailFolder: folder.path + "/outbox", from: "owner@example.com")
        try store.submit(
            type: "lead.received", caseID: "answered",
            payload: ["name": "Dana", "email": "dana@example.com", "message": "Need a plumber next week"],
            producer: "intake")
        // No email address: nothing can be sent, and the report must say so.
        try store.submit(
            type: "lead.received", caseID: "phone-only",
            payload: ["name": "Lee", "phone": "403-555-0100", "message": "Call me about a leak"], producer: "intake")
        try await engine.runUntilIdle()
        try await dispatcher.dispatch()
        now.withLock { $0 = LeadFlowTests.monday.addingTimeInterval(3 * 3600 + 12 * 60) }
        let report = try await DailyReport(store, blueprint: blueprint, day: LeadFlowTests.monday)
        #expect(report.kpis.leadsReceived == 2 && report.kpis.leadsAnswered == 1 && report.kpis.leadsUnanswered == 1)
        #expect(report.leads.unanswered == ["phone-only: 3 h 12 min (nothing sent)"])
        let qualifier = try #require(report.agents.first { $0.id == "lead_qualifier" })
        #expect(
            qualifier.edgeCases == ["unanswered: phone-only: no reply after 3 h 12 min, nothing sent (target 5 min)"])
        #expect(report.markdown.contains("- unanswered, with how long each has waited:\n  - phone-only: 3 h 12 min"))
        // The first-response figures count the lead without a reply at its wait so far.
        #expect(report.kpis.firstResponseP90Minutes == 192)
        let values = try #require(report.templateValues["leads"] as? [String: Any])
        #expect(values["unanswered"] as? [String] == ["phone-only: 3 h 12 min (nothing sent)"])
        #expect(DailyReportValuesTests.isPlain(report.templateValues))
    }

    @Test func waitsAreWrittenAsPeopleSayThem() {
        #expect(LeadsDay.words(40) == "40 s")
        #expect(LeadsDay.words(12 * 60 + 5) == "12 min")
        #expect(LeadsDay.words(3 * 3600) == "3 h")
        #expect(LeadsDay.words(3 * 3600 + 12 * 60) == "3 h 12 min")
        #expect(LeadsDay.words(86400) == "1 day")
        #expect(LeadsDay.words(2 * 86400 + 4 * 3600) == "2 days 4 h")
    }
}
