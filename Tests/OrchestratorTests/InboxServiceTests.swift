import BatonTestSupport
import Blueprint
import Foundation
import Mail
import Testing

@testable import Orchestrator

/// The inbox read into the runtime from a Maildir: a lead by email is answered like a web lead, its
/// answer joins the case and cancels the reminder, automatic mail is recorded and never answered,
/// and a reader that fails anywhere (fetching, storing, acknowledging) loses and repeats nothing.
struct InboxServiceTests {
    static let monday = LeadFlowTests.monday

    struct Runtime {
        let store: RuntimeStore
        let engine: Engine
        let dispatcher: Dispatcher
        let folder: String
        let maildir: String
        let clock: DeliveryTests.Clock
        let blueprint: Blueprint

        func reader(_ source: (any InboxSource)? = nil, batch: Int = 50) -> InboxReader {
            InboxReader(
                source: source ?? MaildirInbox(folder: maildir), store: store, blueprint: blueprint, batch: batch)
        }

        /// Reads the inbox, runs the engine and dispatches until nothing is left.
        @discardableResult
        func settle() async throws -> InboxReader.Pass {
            let pass = try await reader().readNew()
            try await engine.runUntilIdle()
            while try await dispatcher.dispatch() > 0 {}
            return pass
        }

        /// The outbox's emails, read back, by file name.
        func sent() throws -> [String: IncomingMessage] {
            let outbox = folder + "/outbox"
            guard FileManager.default.fileExists(atPath: outbox) else { return [:] }
            var sent: [String: IncomingMessage] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: outbox) where name.hasSuffix(".eml") {
                sent[name] = IncomingMessage(Array(try Data(contentsOf: URL(fileURLWithPath: outbox + "/" + name))))
            }
            return sent
        }

        /// Drops a message into the Maildir's `new/`, as a delivery agent does (written in `tmp/`, renamed).
        func deliver(_ text: String, name: String = UUID().uuidString) throws {
            try FileManager.default.createDirectory(atPath: maildir + "/tmp", withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: "\(maildir)/tmp/\(name)"))
            try FileManager.default.moveItem(atPath: "\(maildir)/tmp/\(name)", toPath: "\(maildir)/new/\(name)")
        }

        func files(_ sub: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: "\(maildir)/\(sub)").sorted()
        }
    }

    static func runtime(_ blueprint: Blueprint? = nil) throws -> Runtime {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-inbox-\(UUID().uuidString)")
            .path
        let clock = DeliveryTests.Clock()
        let store = try RuntimeStore(folder: folder, clock: { clock.now })
        let b = try blueprint ?? LeadFlowTests.blueprint()
        let maildir = folder + "/inbox"
        for sub in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(atPath: "\(maildir)/\(sub)", withIntermediateDirectories: true)
        }
        return Runtime(
            store: store, engine: Engine(blueprint: b, store: store),
            dispatcher: Dispatcher(
                store: store, blueprint: b, emailFolder: folder + "/outbox", from: "office@bowriver.example"),
            folder: folder, maildir: maildir, clock: clock, blueprint: b)
    }

    static let leadText =
        "Hi, our water heater is leaking. Budget about $5000, we are in Calgary T2P 1J9 and need it fixed this week.\nDana"

    static func leadEmail(id: String = "<lead-1@mail.example.com>") -> String {
        """
        Return-Path: <dana@example.com>\r
        From: Dana Lee <dana@example.com>\r
        To: office@bowriver.example\r
        Subject: Quote for a water heater\r
        Message-ID: \(id)\r
        Date: Mon, 2 Mar 2026 15:00:00 +0000\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        \(leadText.replacingOccurrences(of: "\n", with: "\r\n"))\r

        """
    }

    static func answer(to messageID: String, id: String = "<answer-1@mail.example.com>", extra: String = "") -> String {
        """
        From: Dana Lee <dana@example.com>\r
        To: office@bowriver.example\r
        Subject: Re: Your request\r
        Message-ID: \(id)\r
        In-Reply-To: \(messageID)\r
        References: <lead-1@mail.example.com>\r
         \(messageID)\r
        \(extra)Content-Type: text/plain; charset=utf-8\r
        \r
        Thursday at 10 works for us.\r
        \r
        > earlier text\r

        """
    }

    @Test func aLeadByEmailGetsTheSameFirstReplyAWebLeadGets() async throws {
        let mail = try Self.runtime()
        try mail.deliver(Self.leadEmail())
        let pass = try await mail.settle()
        #expect(pass.stored == ["lead.received": 1])
        #expect(try mail.files("new").isEmpty)
        #expect(try mail.files("cur").count == 1)
        let event = try #require(try mail.store.events().first { $0.type == "lead.received" })
        #expect(event.caseID.hasPrefix("mail-") && event.producer == "intake")
        #expect(
            event.payload["email"] as? String == "dana@example.com" && event.payload["name"] as? String == "Dana Lee")
        #expect(event.payload["category"] as? String == "lead")
        #expect(
            try mail.store.audit(caseID: event.caseID).contains { $0.kind == .mail && $0.detail.contains("a new lead") }
        )

        let web = try Self.runtime()
        try web.store.submit(
            type: "lead.received", caseID: "case-1",
            payload: [
                "name": "Dana Lee", "email": "dana@example.com",
                "message": "Quote for a water heater\n\n" + Self.leadText,
            ],
            producer: "intake")
        try await web.settle()

        let mailReplies = try mail.sent().values.filter { $0.header("To")?.contains("dana@example.com") == true }
        let webReplies = try web.sent().values.filter { $0.header("To")?.contains("dana@example.com") == true }
        #expect(mailReplies.count == 1 && webReplies.count == 1)
        #expect(mailReplies.first?.text == webReplies.first?.text)
        #expect(mailReplies.first?.subject == webReplies.first?.subject)
    }

    @Test func theLeadsAnswerJoinsTheCaseAndCancelsTheReminder() async throws {
        let r = try Self.runtime()
        try r.deliver(Self.leadEmail())
        try await r.settle()
        let (_, reply) = try #require(try r.sent().first { $0.value.header("To")?.contains("dana@") == true })
        let caseID = try #require(try r.store.events().first { $0.type == "lead.received" }?.caseID)
        #expect(try r.store.events(caseID: caseID).contains { $0.type == "followup.due" && $0.status == .pending })

        r.clock.now = Self.monday.addingTimeInterval(3600)
        try r.deliver(Self.answer(to: try #require(reply.messageID)))
        let pass = try await r.settle()
        #expect(pass.stored == ["email.replied": 1])
        let answer = try #require(try r.store.events().first { $0.type == "email.replied" })
        #expect(answer.caseID == caseID)
        #expect(try r.store.context(caseID: caseID).notes["intake"]?["message"]?.hasPrefix("Thursday at 10") == true)

        r.clock.now = Self.monday.addingTimeInterval(3 * 86_400)
        try await r.settle()
        let reminder = try #require(try r.store.events(caseID: caseID).first { $0.type == "followup.due" })
        #expect(reminder.status == .cancelled)
        #expect(try r.sent().count == 1)  // the first reply only: no reminder to a lead who wrote back
    }

    @Test func automaticMailIsRecordedAndNeverAnswered() async throws {
        let r = try Self.runtime()
        try r.deliver(Self.leadEmail())
        try await r.settle()
        let (_, reply) = try #require(try r.sent().first { $0.value.header("To")?.contains("dana@") == true })
        let caseID = try #require(try r.store.events().first { $0.type == "lead.received" }?.caseID)
        let sentBefore = try r.sent().count

        r.clock.now = Self.monday.addingTimeInterval(3600)
        try r.deliver(
            Self.answer(
                to: try #require(reply.messageID), id: "<ooo@mail.example.com>",
                extra: "Auto-Submitted: auto-replied\r\n"))
        try r.deliver(
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@mx>\r\n\r\nI'm sorry to have to inform you…\r\n"
        )
        try r.deliver(
            "From: News <news@lists.example.com>\r\nList-Id: <news.lists.example.com>\r\nPrecedence: list\r\nSubject: Can you come and fix it?\r\nMessage-ID: <list-1@lists>\r\n\r\nA quote please\r\n"
        )
        try r.deliver(
            "From: Dana <dana@example.com>\r\nX-Autoreply: yes\r\nSubject: Re: hello\r\nMessage-ID: <ar-1@x>\r\n\r\nAway until Monday\r\n"
        )
        let pass = try await r.settle()
        #expect(pass.stored == ["email.ignored": 4])
        #expect(try r.sent().count == sentBefore)
        let ignored = try r.store.events().filter { $0.type == "email.ignored" }
        #expect(ignored.allSatisfy { $0.producer == "inbox" })
        #expect(ignored.contains { $0.caseID == caseID })  // the out-of-office is shown on its case…
        #expect(try r.store.audit().filter { $0.kind == .ignored }.count == 4)

        // …but is no answer from the lead: the reminder still goes.
        r.clock.now = Self.monday.addingTimeInterval(3 * 86_400)
        try await r.settle()
        let reminder = try #require(try r.store.events(caseID: caseID).first { $0.type == "followup.due" })
        #expect(reminder.status == .done)
        #expect(try r.sent().count == sentBefore + 1)
    }

    @Test func eachMessageIDIsStoredOnceAndAPlainDropFolderWorksToo() async throws {
        let r = try Self.runtime()
        let drop = r.folder + "/drop"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        try Data(Self.leadEmail().utf8).write(to: URL(fileURLWithPath: drop + "/a.eml"))
        try Data(Self.leadEmail().utf8).write(to: URL(fileURLWithPath: drop + "/b.eml"))  // the same Message-ID
        try Data("not yet".utf8).write(to: URL(fileURLWithPath: drop + "/c.eml.tmp"))  // being written
        let pass = try await r.reader(MaildirInbox(folder: drop)).readNew()
        #expect(pass.read == 2 && pass.stored == ["lead.received": 1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: drop + "/cur").sorted() == ["a.eml", "b.eml"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: drop).contains("c.eml.tmp") == true)
        #expect(try await r.store.inboxProgress(source: "maildir:\(drop)") == .file(name: "b.eml"))
    }

    @Test(arguments: [
        (InquiryKind.lead, "lead.received" as String?), (.question, "lead.received"), (.unclear, "lead.received"),
        (.complaint, nil), (.refundRequest, nil),
    ])
    func withoutSupportTriageOnlyLeadsAndQuestionsAreRouted(kind: InquiryKind, type: String?) throws {
        let routing = InboxRouting(blueprint: try LeadFlowTests.blueprint(), installID: "i")
        #expect(routing.eventType(for: kind) == type)
    }

    @Test(arguments: [
        ("Hi, I need a quote for next week.", InquiryKind.lead),
        ("Our furnace stopped working last night, can someone come tomorrow morning? We are in Bridgeland.", .lead),
        ("What are your opening hours?", .question), ("I want my money back.", .refundRequest),
        ("This is unacceptable, the tap still drips.", .complaint), ("Hello", .unclear),
    ])
    func inquiriesAreClassifiedByTheTriageRules(text: String, kind: InquiryKind) {
        #expect(InquiryClassifier.classify(text) == kind)
    }

    @Test func aComplaintGoesToSupportTriageWhenTheBlueprintHasIt() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dental = try BlueprintFile.load(
            path: root.appendingPathComponent("Tests/BlueprintTests/Golden/dental-clinic.blueprint.yaml").path)
        let r = try Self.runtime(dental)
        try r.deliver(
            "From: Sam <sam@example.com>\r\nSubject: Unhappy\r\nMessage-ID: <c-1@x>\r\n\r\nI am very disappointed with the cleaning.\r\n"
        )
        let pass = try await r.settle()
        #expect(pass.stored == ["inquiry.received": 1])
        let event = try #require(try r.store.events().first { $0.type == "inquiry.received" })
        #expect(try r.store.context(caseID: event.caseID).notes["support_triage"]?["category"] == "complaint")
    }

    /// A source that fails at chosen points: before fetching, after the store (before acknowledging).
    final class FlakySource: InboxSource, @unchecked Sendable {
        // @unchecked: the test's one task drives it, one call at a time.
        let inner: MaildirInbox
        var random: SplitMix
        var failures = 0
        init(_ inner: MaildirInbox, seed: UInt64) {
            self.inner = inner
            random = SplitMix(seed: seed)
        }
        var name: String { inner.name }
        func fetchNew(after progress: InboxPosition?, limit: Int) async throws -> [InboxMessage] {
            if random.chance(20) {
                failures += 1
                throw InboxError("the server went away")
            }
            return try await inner.fetchNew(after: progress, limit: limit)
        }
        func acknowledge(_ positions: [InboxPosition]) async throws {
            if random.chance(30) {
                failures += 1
                throw InboxError("killed after the commit, before the acknowledgement")
            }
            // Sometimes only some are moved before the crash.
            let moved = random.chance(20) ? Array(positions.prefix(positions.count / 2)) : positions
            try await inner.acknowledge(moved)
            if moved.count < positions.count {
                failures += 1
                throw InboxError("killed while moving")
            }
        }
        func waitForNew(pollInterval: Duration) async throws {}
        func close() async {}
    }

    @Test func aReaderThatFailsAnywhereLosesAndRepeatsNothing() async throws {
        var random = SplitMix(seed: 1402)
        for round in 0..<4 {
            let r = try Self.runtime()
            var expected: Set<String> = []
            let flaky = FlakySource(MaildirInbox(folder: r.maildir), seed: random.next())
            var failures = 0
            for index in 0..<150 {
                let id = "<m\(random.below(120))@example.com>"  // some ids twice
                expected.insert("inbox:\(id)")
                let kind = random.below(4)
                let body: String
                switch kind {
                case 0:
                    body =
                        "From: Lee <lee\(index)@example.com>\r\nSubject: Quote?\r\nMessage-ID: \(id)\r\n\r\nneed a quote\r\n"
                case 1:
                    body = "From: x@example.com\r\nAuto-Submitted: auto-generated\r\nMessage-ID: \(id)\r\n\r\nauto\r\n"
                case 2:
                    body =
                        "From: Lee <lee@example.com>\r\nIn-Reply-To: <nothing.i@baton.local>\r\nMessage-ID: \(id)\r\n\r\nok\r\n"
                default:
                    body =
                        "From: Q <q@example.com>\r\nSubject: hours?\r\nMessage-ID: \(id)\r\n\r\nWhat are your hours?\r\n"
                }
                try r.deliver(body, name: String(format: "%010d.%d.host", index, round))
                if random.chance(10) {
                    do { _ = try await r.reader(flaky, batch: 1 + random.below(20)).readNew() } catch { failures += 1 }
                }
            }
            var passes = 0
            while try !r.files("new").isEmpty {
                passes += 1
                do { _ = try await r.reader(flaky, batch: 1 + random.below(20)).readNew() } catch { failures += 1 }
                #expect(passes < 500)
                if passes >= 500 { break }
            }
            let keys = try r.store.events().compactMap(\.idempotencyKey)
            #expect(keys.count == Set(keys).count, "round \(round): a message stored twice")
            #expect(Set(keys) == expected, "round \(round): a message lost")
            #expect(try r.files("cur").count == 150)
            #expect(flaky.failures > 3)
        }
    }
}
