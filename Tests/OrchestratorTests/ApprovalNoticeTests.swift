import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// The approver hears of a waiting approval by email, with a link to it.
struct ApprovalNoticeTests {
    @Test func theApproverGetsAnEmailWithALinkAndTheLeadsFirstContactIsUntouched() async throws {
        var b = try LeadFlowTests.blueprint()
        b.approvals.append(
            LeadFlowTests.firstRepliesWait)
        b.connectors.email.settings["people"] = .map(["owner": .string("dana@bowriver.example")])
        b.connectors.forms.settings["public_url"] = .string("https://baton.bowriver.example/")
        let r = try LeadFlowTests.runtime(b)
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        let approval = try #require(try Approvals(store: r.store).pending().first)
        try await r.dispatcher.dispatch()
        let notice = try #require(try r.store.outbox().first { $0.idempotencyKey == "notice-\(approval.id!)" })
        #expect(notice.status == .sent && notice.action == "notice.send")
        let mail = try String(contentsOfFile: r.folder + "/outbox/notice-\(approval.id!).eml", encoding: .utf8)
        #expect(mail.contains("To: dana@bowriver.example\r\n"))
        #expect(mail.contains("Subject: Waiting for you: scheduler wants email.send (#\(approval.id!))"))
        #expect(mail.contains("https://baton.bowriver.example/approvals?after=\(approval.id! + 1)#approval-\(approval.id!)"))
        #expect(try r.store.audit(caseID: "lead-1").contains { $0.kind == "notified" })
        // The lead has still had no email: once approved, the reply is the first contact it was.
        #expect(try await KPIs.measure(r.store, blueprint: b).leadsAnswered == 0)
    }

    @Test func anApproverWithoutAnAddressGetsNoEmail() async throws {
        var b = try LeadFlowTests.blueprint()
        b.approvals.append(
            LeadFlowTests.firstRepliesWait)
        let r = try LeadFlowTests.runtime(b)
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        try r.store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        #expect(try r.store.outbox().allSatisfy { $0.action != "notice.send" })
    }
}
