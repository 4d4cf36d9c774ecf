import BatonTestSupport
import Blueprint
import Foundation
import Testing

@testable import Orchestrator

/// An approval that waits too long: its rule's approver is reminded by email once, then (for
/// `escalate`) the rule's `to` is told once; a restart sends nothing twice; a decided approval
/// sends nothing. Driven by an injected clock.
struct ApprovalTimeoutTests {
    final class Clock: @unchecked Sendable {
        // @unchecked: only the test's own thread moves it.
        var now = LeadFlowTests.monday
    }

    struct Runtime {
        let folder: String
        let clock: Clock
        let blueprint: Blueprint

        /// A store, engine and dispatcher on the folder: a new one is a restart.
        func open() throws -> (RuntimeStore, Engine, Dispatcher) {
            let clock = self.clock
            let store = try RuntimeStore(folder: folder, clock: { clock.now })
            return (
                store, Engine(blueprint: blueprint, store: store),
                Dispatcher(
                    store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "owner@example.com")
            )
        }

        /// The `.eml` files written, by name.
        func emails() throws -> [String: String] {
            let outbox = folder + "/outbox"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []
            var mails: [String: String] = [:]
            for name in names where name.hasSuffix(".eml") {
                mails[name] = try String(contentsOfFile: outbox + "/" + name, encoding: .utf8)
            }
            return mails
        }
    }

    static let hour: TimeInterval = 3600

    /// The plumbing blueprint where the first reply to a lead waits for `approver` under `timeout`,
    /// with addresses for the owner and the staff.
    static func runtime(approver: String = "owner", timeout: Timeout) throws -> Runtime {
        var b = try LeadFlowTests.blueprint()
        b.approvals.append(
            ApprovalRule(action: "email.send", when: "first_contact", approver: approver, timeout: timeout))
        b.connectors.email.settings["people"] = .map([
            "owner": .string("dana@bowriver.example"), "staff": .string("sam@bowriver.example"),
        ])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-timeout-\(UUID().uuidString)")
            .path
        return Runtime(folder: folder, clock: Clock(), blueprint: b)
    }

    /// Submits a lead and runs the engine: one approval waits, and its notice is sent.
    static func waitingApproval(_ r: Runtime) async throws -> ApprovalRecord {
        let (store, engine, dispatcher) = try r.open()
        try store.submit(type: "lead.received", caseID: "lead-1", payload: LeadFlowTests.lead, producer: "intake")
        try await engine.runUntilIdle()
        try await dispatcher.dispatch()
        return try #require(try Approvals(store: store).pending().first)
    }

    /// One turn of `baton run`'s clock jobs on a freshly opened store (a restart each time): the
    /// timeouts, then the dispatcher. Returns the steps taken.
    @discardableResult
    static func tick(_ r: Runtime) async throws -> Int {
        let (store, _, dispatcher) = try r.open()
        let taken = try Approvals(store: store).applyTimeouts(r.blueprint)
        try await dispatcher.dispatch()
        return taken
    }

    @Test func aRemindRuleRemindsTheApproverOnceAndOnlyOnce() async throws {
        let r = try Self.runtime(timeout: Timeout(after: "4h", then: "remind"))
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let approval = try await Self.waitingApproval(r)
        let id = approval.id!
        let before = try r.emails().count

        r.clock.now = approval.createdAt.addingTimeInterval(4 * Self.hour - 1)
        #expect(try await Self.tick(r) == 0)
        #expect(try r.emails().count == before)

        r.clock.now = approval.createdAt.addingTimeInterval(4 * Self.hour)
        #expect(try await Self.tick(r) == 1)
        let reminder = try #require(try r.emails()["timeout-\(id)-remind.eml"])
        #expect(reminder.contains("To: dana@bowriver.example\r\n"))
        #expect(reminder.contains("Subject: Reminder: scheduler still waits for you on email.send (#\(id))"))
        #expect(reminder.contains("/approvals?after=\(id + 1)#approval-\(id)"))

        // Restarts and later turns, days on: nothing more, and the approval still waits.
        for hours: Double in [4, 5, 8, 30, 168] {
            r.clock.now = approval.createdAt.addingTimeInterval(hours * Self.hour)
            #expect(try await Self.tick(r) == 0)
        }
        #expect(try r.emails().count == before + 1)
        let (store, _, _) = try r.open()
        let record = try Approvals(store: store).get(id)
        #expect(record.status == .pending)
        #expect(record.remindedTo == "dana@bowriver.example")
        #expect(record.remindedAt == approval.createdAt.addingTimeInterval(4 * Self.hour))
        #expect(record.escalatedAt == nil)
        let outbox = try store.outbox().filter { $0.idempotencyKey.hasPrefix("timeout-") }
        #expect(outbox.map(\.idempotencyKey) == ["timeout-\(id)-remind"])
        #expect(outbox.allSatisfy { $0.status == .sent && $0.action == ApprovalNotice.action })
        // The audit log records it, once.
        let lines = try store.audit(caseID: "lead-1").filter { $0.kind == "timeout" }
        #expect(lines.map(\.detail) == ["#\(id) email.send unanswered after 4h: reminded dana@bowriver.example"])
    }

    @Test func anEscalateRuleRemindsTheApproverThenTellsTheRulesPersonOnce() async throws {
        let r = try Self.runtime(approver: "staff", timeout: Timeout(after: "4h", then: "escalate", to: "owner"))
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let approval = try await Self.waitingApproval(r)
        let id = approval.id!

        r.clock.now = approval.createdAt.addingTimeInterval(4 * Self.hour)
        #expect(try await Self.tick(r) == 1)
        let reminder = try #require(try r.emails()["timeout-\(id)-remind.eml"])
        #expect(reminder.contains("To: sam@bowriver.example\r\n"))
        #expect(try r.emails()["timeout-\(id)-escalate.eml"] == nil)

        // Not yet: another 4h must pass after the reminder.
        r.clock.now = approval.createdAt.addingTimeInterval(8 * Self.hour - 60)
        #expect(try await Self.tick(r) == 0)
        r.clock.now = approval.createdAt.addingTimeInterval(8 * Self.hour)
        #expect(try await Self.tick(r) == 1)
        let escalation = try #require(try r.emails()["timeout-\(id)-escalate.eml"])
        #expect(escalation.contains("To: dana@bowriver.example\r\n"))
        #expect(escalation.contains("Subject: Escalated to you: scheduler wants email.send (#\(id))"))
        #expect(escalation.contains("sam@bowriver.example was asked and reminded"))

        for hours: Double in [8, 12, 16, 100] {
            r.clock.now = approval.createdAt.addingTimeInterval(hours * Self.hour)
            #expect(try await Self.tick(r) == 0)
        }
        let (store, _, _) = try r.open()
        let keys = try store.outbox().map(\.idempotencyKey).filter { $0.hasPrefix("timeout-") }.sorted()
        #expect(keys == ["timeout-\(id)-escalate", "timeout-\(id)-remind"])
        let record = try Approvals(store: store).get(id)
        #expect(record.status == .pending && record.escalatedTo == "dana@bowriver.example")
        #expect(record.remindedTo == "sam@bowriver.example")
        // Once escalated, the owner can still decide it.
        try Approvals(store: store).approve(id)
        #expect(try Approvals(store: store).get(id).status == .approved)
    }

    @Test func anEscalationWithoutATargetGoesToTheOwner() async throws {
        let r = try Self.runtime(approver: "staff", timeout: Timeout(after: "30 min", then: "escalate"))
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let approval = try await Self.waitingApproval(r)
        // A machine that was off for days: the reminder first, the escalation only a period later.
        r.clock.now = approval.createdAt.addingTimeInterval(72 * Self.hour)
        #expect(try await Self.tick(r) == 1)
        #expect(try await Self.tick(r) == 0)
        r.clock.now = r.clock.now.addingTimeInterval(30 * 60)
        #expect(try await Self.tick(r) == 1)
        let escalation = try #require(try r.emails()["timeout-\(approval.id!)-escalate.eml"])
        #expect(escalation.contains("To: dana@bowriver.example\r\n"))
    }

    @Test func aDecidedApprovalSendsNothing() async throws {
        for decision in ["approve", "reject", "override"] {
            let r = try Self.runtime(timeout: Timeout(after: "4h", then: "escalate", to: "staff"))
            defer { try? FileManager.default.removeItem(atPath: r.folder) }
            let approval = try await Self.waitingApproval(r)
            let (store, engine, _) = try r.open()
            r.clock.now = approval.createdAt.addingTimeInterval(Self.hour)
            switch decision {
            case "approve": try Approvals(store: store).approve(approval.id!)
            case "reject": try Approvals(store: store).reject(approval.id!, reason: "not now")
            default: try Approvals(store: store).override(approval.id!, instructions: "say hello first")
            }
            try await engine.runUntilIdle()
            for hours: Double in [4, 8, 9, 48] {
                r.clock.now = approval.createdAt.addingTimeInterval(hours * Self.hour)
                try await Self.tick(r)
            }
            let (reopened, _, _) = try r.open()
            // An override resubmits a new approval, which may time out on its own: not this one.
            #expect(try reopened.outbox().allSatisfy { !$0.idempotencyKey.hasPrefix("timeout-\(approval.id!)-") })
            let record = try Approvals(store: reopened).get(approval.id!)
            #expect(record.remindedAt == nil && record.escalatedAt == nil)
            #expect(try r.emails().keys.allSatisfy { !$0.hasPrefix("timeout-\(approval.id!)-") })
        }
    }

    @Test func anApproverWithoutAnAddressIsMarkedNotEmailed() async throws {
        let r = try Self.runtime(approver: "bookkeeper", timeout: Timeout(after: "4h", then: "remind"))
        defer { try? FileManager.default.removeItem(atPath: r.folder) }
        let approval = try await Self.waitingApproval(r)
        r.clock.now = approval.createdAt.addingTimeInterval(5 * Self.hour)
        #expect(try await Self.tick(r) == 1)
        #expect(try await Self.tick(r) == 0)
        let (store, _, _) = try r.open()
        #expect(try store.outbox().allSatisfy { !$0.idempotencyKey.hasPrefix("timeout-") })
        #expect(try Approvals(store: store).get(approval.id!).remindedTo == "bookkeeper")
        #expect(
            try store.audit(caseID: "lead-1").contains {
                $0.kind == "timeout" && $0.detail.hasSuffix("no address for bookkeeper: nobody reminded")
            })
    }

    /// Hundreds of generated approvals, rules and times: the step is never due early, never for a
    /// decided approval, never twice, and an escalation always follows a reminder by a full period.
    @Test func theTimeoutStepObeysItsRuleOverGeneratedCases() throws {
        var random = SplitMix(seed: 12)
        let durations: [(String, TimeInterval)] = [
            ("30 min", 1800), ("4h", 14_400), ("2 days", 172_800), ("1.5 h", 5400),
        ]
        let statuses: [ApprovalRecord.Status] = [.pending, .pending, .pending, .approved, .rejected, .overridden]
        for _ in 0..<600 {
            let (after, seconds) = durations[Int(random.next() % UInt64(durations.count))]
            let then: TimeoutOutcome = ["remind", "escalate", "reject", "approve", "bogus"][Int(random.next() % 5)]
            let to: String? = random.next() % 2 == 0 ? nil : "boss@example.com"
            let rule = ApprovalRule(
                action: "email.send", when: "always", approver: "owner",
                timeout: Timeout(after: WaitDuration(after), then: then, to: to))
            let created = LeadFlowTests.monday.addingTimeInterval(Double(random.next() % 100_000))
            var approval = ApprovalRecord(
                id: 1, caseID: "c", agent: "a", action: "email.send", proposedJSON: "{}", reason: "r",
                status: statuses[Int(random.next() % UInt64(statuses.count))], createdAt: created)
            // Walk the clock forward in random strides, applying each step as the store would.
            var now = created
            var reminders = 0
            var escalations = 0
            for _ in 0..<12 {
                now = now.addingTimeInterval(Double(random.next() % UInt64(seconds * 1.5)))
                guard let step = TimeoutStep.due(approval, rule: rule, now: now) else {
                    // Nothing due: either too early, decided, or done.
                    if approval.status == .pending, now.timeIntervalSince(created) >= seconds {
                        #expect(then != "reject" && (then != "remind" || approval.remindedAt != nil))
                    }
                    continue
                }
                #expect(approval.status == .pending)
                #expect(now.timeIntervalSince(created) >= seconds)
                switch step {
                case .reject:
                    #expect(then == "reject")
                    approval.status = .rejected
                case .remind(let approver):
                    #expect(["remind", "escalate"].contains(then) && approver == "owner")
                    #expect(approval.remindedAt == nil)
                    approval.remindedAt = now
                    reminders += 1
                case .escalate(let target):
                    #expect(then == "escalate" && target == (to ?? "owner"))
                    let remindedAt = try #require(approval.remindedAt)
                    #expect(now.timeIntervalSince(remindedAt) >= seconds && approval.escalatedAt == nil)
                    approval.escalatedAt = now
                    escalations += 1
                }
                #expect(step == .reject ? step.key(for: 1) == nil : step.key(for: 1) != step.key(for: 2))
            }
            #expect(reminders <= 1 && escalations <= 1 && escalations <= reminders)
        }
    }

    @Test func theRulesEscalationTargetIsReadAndChecked() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let yaml = try String(
            contentsOf: root.appendingPathComponent("Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"),
            encoding: .utf8)
        let original = "    then: escalate\n- action: contract.send"
        #expect(yaml.contains(original))
        let named = BlueprintFile.check(
            yaml: yaml.replacingOccurrences(
                of: original, with: "    then: escalate\n    to: sam@bowriver.example\n- action: contract.send"),
            file: "b.yaml")
        #expect(named.errors.isEmpty)
        #expect(named.blueprint?.approvals.first?.timeout.to == "sam@bowriver.example")
        let empty = BlueprintFile.check(
            yaml: yaml.replacingOccurrences(
                of: original, with: "    then: escalate\n    to: \" \"\n- action: contract.send"),
            file: "b.yaml")
        #expect(empty.errors.contains { $0.message.contains("nobody to escalate to") })
        // Without `to`, a blueprint writes and reads back as before.
        let plain = try #require(BlueprintFile.check(yaml: yaml, file: "b.yaml").blueprint)
        #expect(try !BlueprintFile.yaml(plain).contains("\n    to:"))
    }

    /// A blueprint's durations are read once, in Blueprint: every number and unit, with or without
    /// spaces, in seconds; anything else is not a duration; the text writes back as it was.
    @Test func durationsAreReadOnceWithTheirUnits() throws {
        var random = SplitMix(seed: 7)
        let units: [(String, TimeInterval)] = [
            ("m", 60), ("min", 60), ("mins", 60), ("minute", 60), ("minutes", 60), ("h", 3600), ("hr", 3600),
            ("hrs", 3600), ("hour", 3600), ("hours", 3600), ("d", 86400), ("day", 86400), ("days", 86400),
        ]
        for _ in 0..<500 {
            let amount = Double(random.next() % 1000) / (random.next() % 2 == 0 ? 1 : 4)
            let (unit, scale) = units[Int(random.next() % UInt64(units.count))]
            let number = amount == amount.rounded() ? "\(Int(amount))" : "\(amount)"
            let text = number + String(repeating: " ", count: Int(random.next() % 3)) + unit
            #expect(WaitDuration(text).seconds == amount * scale, "\(text)")
            #expect(WaitDuration(text).description == text)
        }
        for hostile in ["", "soon", "4", "h", "-4h", "4 weeks", "4h ", " 4h", "4H", "4h4h", "1e3h", "4\nh", "٤h"] {
            #expect(WaitDuration(hostile).seconds == nil, "\(hostile)")
        }
        let timeout = try JSONDecoder().decode(Timeout.self, from: Data(#"{"after": "2 days", "then": "remind"}"#.utf8))
        #expect(timeout.after.seconds == 172_800)
        #expect(String(decoding: try JSONEncoder().encode(timeout.after), as: UTF8.self) == #""2 days""#)
    }
}
