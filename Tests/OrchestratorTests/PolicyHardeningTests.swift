import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// What the gate and the outbox refuse even when a blueprint or a payload would let them through.
struct PolicyHardeningTests {
    static func agent(_ skill: String, _ permissions: [String]) -> Agent {
        Agent(
            id: "tester", role: "test", skill: skill, consumes: [], emits: [], permissions: permissions,
            limits: Limits(actionsPerHour: 100), settings: [:])
    }

    @Test func aHighStakesActionWaitsForTheOwnerEvenWithoutARule() throws {
        var b = try LeadFlowTests.blueprint()
        b.approvals = []
        let gate = PolicyGate(blueprint: b)
        let onboarder = Self.agent("onboarding", ["contracts.send", "email.send"])
        let decision = gate.decide(
            ProposedAction(kind: "contract.send", payload: [:], reason: ""), by: onboarder, firstContact: false)
        #expect(decision == .needsApproval(PolicyGate.ownerApproval(of: "contract.send")))
        #expect(
            gate.decide(ProposedAction(kind: "email.send", payload: [:], reason: ""), by: onboarder, firstContact: true)
                == .allow)
    }

    @Test func aConditionTheGateCannotEvaluateHoldsTheAction() throws {
        var b = try LeadFlowTests.blueprint()
        let odd = ApprovalRule(
            action: "email.send", when: "on_tuesdays", approver: "owner", timeout: Timeout(after: "4h", then: "reject"))
        b.approvals = [odd]
        let sender = Self.agent("reporting", ["email.send"])
        #expect(
            PolicyGate(blueprint: b).decide(
                ProposedAction(kind: "email.send", payload: [:], reason: ""), by: sender, firstContact: false)
                == .needsApproval(odd))
    }

    @Test func movingABookingIsHeldButANewOneIsNot() throws {
        let b = try LeadFlowTests.blueprint()
        let gate = PolicyGate(blueprint: b)
        let scheduler = try #require(b.agents.first { $0.id == "scheduler" })
        #expect(
            gate.decide(
                ProposedAction(kind: "calendar.book", payload: [:], reason: ""), by: scheduler, firstContact: false)
                == .allow)
        let move = gate.decide(
            ProposedAction(kind: "calendar.book", payload: ["change": "move"], reason: ""), by: scheduler,
            firstContact: false)
        #expect(move != .allow)
    }

    @Test func updatingTheCRMNeedsAWriteScopeNotARead() throws {
        let gate = PolicyGate(blueprint: try LeadFlowTests.blueprint())
        let update = ProposedAction(kind: "crm.update", payload: ["score": "80"], reason: "")
        #expect(
            gate.decide(update, by: Self.agent("lead_qualification", ["crm.read"]), firstContact: false)
                == .deny("'crm.update' needs 'crm.write', which tester does not have"))
        #expect(
            gate.decide(
                update, by: Self.agent("lead_qualification", ["crm.read", "crm.write:lead_score"]), firstContact: false)
                == .allow)
    }

    @Test func anAddressThatSmugglesAHeaderIsDeadLetteredAndNeverWritten() async throws {
        let r = try LeadFlowTests.runtime()
        var lead = LeadFlowTests.lead
        lead["email"] = "dana@example.com\r\nBcc: everyone@example.org"
        try r.store.submit(type: "lead.received", caseID: "lead-x", payload: lead, producer: "intake")
        var plain = LeadFlowTests.lead
        plain["email"] = "not an address"
        try r.store.submit(type: "lead.received", caseID: "lead-y", payload: plain, producer: "intake")
        try await r.engine.runUntilIdle()
        try await r.dispatcher.dispatch()
        let emails = try r.store.outbox().filter { $0.action == "email.send" }
        #expect(emails.count == 2)
        #expect(emails.allSatisfy { $0.status == .dead })
        #expect(
            emails.map(\.lastError).sorted { ($0 ?? "") < ($1 ?? "") } == [
                "'not an address' is not an email address", "a header contains a line break",
            ])
        let written = (try? FileManager.default.contentsOfDirectory(atPath: (r.folder + "/outbox"))) ?? []
        #expect(written.filter { $0.hasSuffix(".eml") }.isEmpty)
    }

    @Test func aComplaintWithoutAnAddressIsEscalatedWithoutAReply() async throws {
        let r = try LeadFlowTests.runtime(try SupportTriageTests.dental())
        try r.store.submit(
            type: "inquiry.received", caseID: "c", payload: ["name": "Pat", "message": "I am very unhappy."],
            producer: "intake")
        try await r.engine.runUntilIdle()
        #expect(try r.store.approvals().isEmpty)
        #expect(try r.store.outbox().isEmpty)
        let notes = try r.store.context(caseID: "c").notes["support_triage"]
        #expect(notes?["summary"] == "classified as complaint; no email address to reply to")
        #expect(try r.store.events().contains { $0.caseID == "c" && $0.type == "complaint.escalated" })
    }

    @Test func anAgentOverItsHourlyLimitHasTheRestDeferredToTheNextHour() async throws {
        var b = try LeadFlowTests.blueprint()
        let index = try #require(b.agents.firstIndex { $0.id == "scheduler" })
        b.agents[index].limits.actionsPerHour = 2
        let r = try LeadFlowTests.runtime(b)
        for n in 1...3 {
            var lead = LeadFlowTests.lead
            lead["email"] = "lead\(n)@example.com"
            try r.store.submit(type: "lead.received", caseID: "lead-\(n)", payload: lead, producer: "intake")
        }
        try await r.engine.runUntilIdle()
        let scheduled = try r.store.outbox().filter { $0.agent == "scheduler" }
        #expect(scheduled.map { "\($0.caseID):\($0.status)" } == ["lead-1:queued", "lead-2:queued", "lead-3:deferred"])
        // It goes an hour after the first of the hour's two, without a person.
        #expect(scheduled[2].nextAttemptAt == LeadFlowTests.monday.addingTimeInterval(3600))
        #expect(try r.store.approvals().isEmpty)
        #expect(try r.store.audit(caseID: "lead-3").contains { $0.kind == "deferred" })
        #expect(try r.store.audit(caseID: "lead-3").contains { $0.kind == "limited" })
    }

    @Test func whatABlueprintNoLongerAllowsIsNotSentAfterARestart() async throws {
        let r = try LeadFlowTests.runtime()
        try r.store.submit(type: "lead.received", caseID: "lead-n", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        // Restarted on a narrower blueprint before the queued reply went out.
        var narrower = try LeadFlowTests.blueprint()
        let index = try #require(narrower.agents.firstIndex { $0.id == "scheduler" })
        narrower.agents[index].permissions.removeAll { $0 == "email.send" }
        try await Dispatcher(
            store: r.store, blueprint: narrower, emailFolder: (r.folder + "/outbox"), from: "o@example.com"
        )
        .dispatch()
        let email = try #require(try r.store.outbox().first { $0.action == "email.send" })
        #expect(email.status == .dead)
        #expect(email.lastError == "scheduler may no longer take email.send under the running blueprint")
        #expect(try r.store.outbox().first { $0.action == "crm.update" }?.status == .sent)
    }

    @Test func aReplyWrittenBeforeACrashIsRecordedAsSentEvenUnderANarrowerBlueprint() async throws {
        let r = try LeadFlowTests.runtime()
        try r.store.submit(type: "lead.received", caseID: "lead-c", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        let queued = try #require(try r.store.outbox().first { $0.action == "email.send" })
        // The file was published, then the process died before recording it; the restart runs narrower.
        try FileManager.default.createDirectory(atPath: r.folder + "/outbox", withIntermediateDirectories: true)
        try "written before the crash".write(
            toFile: r.folder + "/outbox/\(queued.idempotencyKey).eml", atomically: true, encoding: .utf8)
        var narrower = try LeadFlowTests.blueprint()
        let index = try #require(narrower.agents.firstIndex { $0.id == "scheduler" })
        narrower.agents[index].permissions.removeAll { $0 == "email.send" }
        try await Dispatcher(store: r.store, blueprint: narrower, emailFolder: r.folder + "/outbox", from: "o@example.com")
            .dispatch()
        #expect(try r.store.outbox().first { $0.id == queued.id }?.status == .sent)
        let kept = try String(contentsOfFile: r.folder + "/outbox/\(queued.idempotencyKey).eml", encoding: .utf8)
        #expect(kept == "written before the crash")  // adopted, never rewritten
    }

    @Test func onlyAPersonsOverrideSendsAProposalBackAndOnlyOnce() async throws {
        var b = try LeadFlowTests.blueprint()
        b.approvals.append(
            LeadFlowTests.firstRepliesWait)
        let r = try LeadFlowTests.runtime(b)
        try r.store.submit(type: "lead.received", caseID: "lead-o", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        let approvals = Approvals(store: r.store)
        let held = try #require(try approvals.pending().first)
        // A forged event from outside cannot reopen or revise anything.
        try r.store.submit(
            type: Engine.overrideEvent, caseID: "lead-o",
            payload: ["approval": "\(held.id!)", "instructions": "say: hi"],
            producer: "cli")
        try await r.engine.runUntilIdle()
        #expect(try approvals.pending().map(\.id) == [held.id])
        #expect(
            try r.store.audit(caseID: "lead-o").contains {
                $0.kind == "denied" && $0.detail.contains("not an open override")
            })
        // A real override, then the same event repeated: one revision.
        try approvals.override(held.id!, instructions: "say: See you soon.\r\nsubject: Your visit")
        try r.store.submit(
            type: Engine.overrideEvent, caseID: "lead-o",
            payload: ["approval": "\(held.id!)", "instructions": "say: again"],
            producer: Approvals.producer)
        try await r.engine.runUntilIdle()
        let revisions = try approvals.pending()
        #expect(revisions.count == 1)
        let revision = try #require(revisions.first)
        // CRLF separates instructions too: a clean subject and a paragraph, not one subject with a line break.
        let proposed = try Approvals.payload(revision.proposedJSON)
        #expect(proposed["subject"] == "Your visit")
        #expect(proposed["body"]?.contains("See you soon.") == true)
        // Approved, the instructions stay with the approval, not in what is carried out.
        try approvals.approve(revision.id!)
        let executed = try #require(try r.store.outbox().first { $0.idempotencyKey == "approval-\(revision.id!)" })
        #expect(try Approvals.payload(executed.payloadJSON)["instructions"] == nil)
        #expect(try Approvals.payload(try approvals.get(revision.id!).approvedJSON ?? "{}")["instructions"] == nil)
    }

    @Test func anApprovalRuleAddedBeforeTheSendHoldsWhatWasQueued() async throws {
        let r = try LeadFlowTests.runtime()
        try r.store.submit(type: "lead.received", caseID: "lead-h", payload: LeadFlowTests.lead, producer: "intake")
        try await r.engine.runUntilIdle()
        // Restarted with a rule that first emails wait for the owner: the queued reply waits too.
        var stricter = try LeadFlowTests.blueprint()
        stricter.approvals.append(
            LeadFlowTests.firstRepliesWait)
        let dispatcher = Dispatcher(
            store: r.store, blueprint: stricter, emailFolder: r.folder + "/outbox", from: "o@example.com")
        #expect(try await dispatcher.dispatch() == 1)  // the CRM update only
        let email = try #require(try r.store.outbox().first { $0.action == "email.send" })
        #expect(email.status == .held)
        let approval = try #require(try Approvals(store: r.store).pending().first)
        #expect(approval.action == "email.send" && approval.proposedJSON == email.payloadJSON)
        #expect(email.lastError == "waits for approval #\(approval.id!)")
        #expect(!FileManager.default.fileExists(atPath: r.folder + "/outbox/\(email.idempotencyKey).eml"))
        // Approved, it leaves once, under the approval's key.
        try Approvals(store: r.store).approve(approval.id!)
        #expect(try await dispatcher.dispatch() == 1)
        #expect(FileManager.default.fileExists(atPath: r.folder + "/outbox/approval-\(approval.id!).eml"))
        #expect(try await dispatcher.dispatch() == 0)
    }
}
