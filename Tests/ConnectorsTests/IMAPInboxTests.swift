import BatonTestSupport
import Foundation
import Mail
import Testing

@testable import Connectors

/// The IMAP inbox against a real Dovecot (Debian's dovecot-imapd) started on loopback.
@Suite(.serialized)
struct IMAPInboxTests {
    @Test(arguments: [IMAPConfiguration.Security.implicit, .startTLS])
    func signsInWithTheRightPasswordAndSaysSoForAWrongOne(security: IMAPConfiguration.Security) async throws {
        let dovecot = try await DovecotPeer.start()
        defer { dovecot.stop() }
        for authentication in [nil, IMAPConfiguration.Authentication.login, .plain] {
            let inbox = IMAPInbox(dovecot.configuration(security: security, authentication: authentication))
            #expect(try await inbox.fetchNew(after: nil, limit: 10).isEmpty, "\(dovecot.log)")
            await inbox.close()
            let wrong = IMAPInbox(
                dovecot.configuration(password: "not-the-password", security: security, authentication: authentication))
            do {
                _ = try await wrong.fetchNew(after: nil, limit: 10)
                Issue.record("a wrong password must be refused")
            } catch let error as IMAPError {
                #expect(error.kind == .authentication)
                #expect(error.description.contains("refused the sign-in of baton"), "\(error)")
                #expect(error.description.contains("AUTHENTICATIONFAILED"), "\(error)")
                #expect(!error.description.contains("not-the-password"))
            }
            await wrong.close()
        }
    }

    @Test func aCertificateNobodyVouchesForStopsBeforeThePasswordIsSent() async throws {
        let dovecot = try await DovecotPeer.start()
        defer { dovecot.stop() }
        var configuration = dovecot.configuration()
        configuration.trustedCertificates = nil
        do {
            _ = try await IMAPInbox(configuration).fetchNew(after: nil, limit: 1)
            Issue.record("an untrusted certificate must stop the sign-in")
        } catch let error as IMAPError {
            #expect(error.kind == .connection)
            #expect(error.description.contains("not trusted"), "\(error)")
        }
        #expect(!dovecot.log.contains("Login: user=<baton>"))
    }

    @Test func passwordsAndNamesThatNeedQuotingOrALiteral() async throws {
        // Quotes, backslashes, spaces, braces, UTF-8 (a literal), generated and fixed.
        var random = SplitMix(seed: 14)
        let alphabet = Array(#"abcXYZ019 "\{}()*%[]~!é€😀"#)
        var users = [
            ("quote", #"pa"ss"#), ("backslash", #"pa\ss\"#), ("space", "two words"), ("literal", "{5}"),
            ("utf8", "mötörhead€"),
        ]
        for index in 0..<20 {
            let length = random.below(16) + 1
            users.append(("gen\(index)", String((0..<length).map { _ in random.pick(alphabet) })))
        }
        let dovecot = try await DovecotPeer.start(users: users)
        defer { dovecot.stop() }
        for (user, password) in users {
            for authentication in [IMAPConfiguration.Authentication.login, .plain] {
                let inbox = IMAPInbox(
                    dovecot.configuration(user: user, password: password, authentication: authentication))
                do {
                    #expect(try await inbox.fetchNew(after: nil, limit: 1).isEmpty)
                } catch {
                    Issue.record("\(user) with \(authentication) and \(password.debugDescription): \(error)")
                }
                await inbox.close()
            }
        }
    }

    @Test func newMessagesOnceInOrderAboveTheProgressAndFlaggedSeenWhenAcknowledged() async throws {
        let dovecot = try await DovecotPeer.start()
        defer { dovecot.stop() }
        let inbox = IMAPInbox(dovecot.configuration())
        defer { Task { await inbox.close() } }
        let first = (1...5).map { DovecotPeer.message($0) }
        for message in first { try dovecot.deliver(message) }
        // A limit below the count: the rest come with the next calls, nothing twice.
        var read: [InboxMessage] = []
        var progress: InboxPosition?
        while true {
            let batch = try await inbox.fetchNew(after: progress, limit: 2)
            guard let last = batch.last else { break }
            #expect(batch.count <= 2)
            read += batch
            progress = last.position
            try await inbox.acknowledge(batch.map(\.position))
        }
        #expect(read.map { String(decoding: $0.raw, as: UTF8.self) } == first)
        guard case .imap(let validity, let uid) = progress else {
            Issue.record("IMAP positions expected")
            return
        }
        #expect(uid == 5)
        #expect(dovecot.seenCount() == 5)
        // Nothing new: nothing again.
        #expect(try await inbox.fetchNew(after: progress, limit: 50).isEmpty)
        // Two more: those two only, read without being flagged (BODY.PEEK).
        try dovecot.deliver(DovecotPeer.message(6))
        try dovecot.deliver(DovecotPeer.message(7))
        let more = try await inbox.fetchNew(after: progress, limit: 50)
        #expect(more.map(\.position) == [.imap(validity: validity, uid: 6), .imap(validity: validity, uid: 7)])
        #expect(dovecot.seenCount() == 5)
        // A new connection from the stored progress (a restart) reads the same: nothing before it.
        await inbox.close()
        let again = try await IMAPInbox(dovecot.configuration()).fetchNew(
            after: .imap(validity: validity, uid: 6), limit: 50)
        #expect(again.map(\.position) == [.imap(validity: validity, uid: 7)])
        // Progress of another kind of source (a drop folder before): every message.
        #expect(try await inbox.fetchNew(after: .file(name: "x.eml"), limit: 50).count == 7)
    }

    @Test func aNewUIDValidityReadsEveryMessageAgain() async throws {
        let dovecot = try await DovecotPeer.start()
        defer { dovecot.stop() }
        for number in 1...3 { try dovecot.deliver(DovecotPeer.message(number)) }
        let inbox = IMAPInbox(dovecot.configuration())
        let read = try await inbox.fetchNew(after: nil, limit: 50)
        #expect(read.count == 3)
        let progress = try #require(read.last?.position)
        await inbox.close()
        try dovecot.changeUIDValidity(to: 4242)
        let again = try await inbox.fetchNew(after: progress, limit: 50)
        #expect(again.map(\.position) == (1...3).map { .imap(validity: 4242, uid: UInt32($0)) })
        #expect(again.map(\.raw) == read.map(\.raw))
        // Acknowledging a position of the old validity flags nothing (it named another mailbox).
        try await inbox.acknowledge([progress])
        #expect(dovecot.seenCount() == 0)
        await inbox.close()
    }

    @Test func idleWakesOnANewMessageAndIsRenewed() async throws {
        let dovecot = try await DovecotPeer.start()
        defer { dovecot.stop() }
        var configuration = dovecot.configuration()
        configuration.idlePeriod = .seconds(1)
        let inbox = IMAPInbox(configuration)
        #expect(try await inbox.fetchNew(after: nil, limit: 50).isEmpty)
        // No mail: the IDLE ends after its period (DONE), and the connection goes on.
        try await inbox.waitForNew(pollInterval: .seconds(3600))
        try await inbox.waitForNew(pollInterval: .seconds(3600))
        #expect(dovecot.log.components(separatedBy: "Login: user=<baton>").count == 2, "one connection: \(dovecot.log)")
        // A message while idling wakes it long before the poll interval.
        configuration.idlePeriod = .seconds(20 * 60)
        let idling = IMAPInbox(configuration)
        #expect(try await idling.fetchNew(after: nil, limit: 50).isEmpty)
        let started = ContinuousClock.now
        let waiting = Task { try await idling.waitForNew(pollInterval: .seconds(3600)) }
        try await Task.sleep(for: .milliseconds(500))
        try dovecot.deliver(DovecotPeer.message(1))
        try await waiting.value
        // (Well under the 20 minutes, not "at once": in the full suite on two cores a resumed task may
        // wait minutes for a thread.)
        #expect(ContinuousClock.now - started < .seconds(600), "IDLE woke, not after 20 minutes")
        #expect(try await idling.fetchNew(after: nil, limit: 50).count == 1)
        // Mail that came before the wait (seen in a response): no wait at all.
        try dovecot.deliver(DovecotPeer.message(2))
        try await idling.acknowledge([.imap(validity: 1, uid: 99)])  // any command hears of it
        try await idling.waitForNew(pollInterval: .seconds(3600))
        await inbox.close()
        await idling.close()
    }

    @Test func cancellingAWaitEndsItAndTheInboxStillReads() async throws {
        let dovecot = try await DovecotPeer.start()
        defer { dovecot.stop() }
        let inbox = IMAPInbox(dovecot.configuration())
        #expect(try await inbox.fetchNew(after: nil, limit: 50).isEmpty)
        let waiting = Task { try await inbox.waitForNew(pollInterval: .seconds(3600)) }
        try await Task.sleep(for: .milliseconds(300))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        try dovecot.deliver(DovecotPeer.message(1))
        #expect(try await inbox.fetchNew(after: nil, limit: 50).count == 1)
        await inbox.close()
    }

    @Test func pollingWhenIdleIsTurnedOff() async throws {
        let dovecot = try await DovecotPeer.start()
        defer { dovecot.stop() }
        var configuration = dovecot.configuration()
        configuration.useIdle = false
        let inbox = IMAPInbox(configuration)
        try await inbox.waitForNew(pollInterval: .milliseconds(100))
        try dovecot.deliver(DovecotPeer.message(1))
        #expect(try await inbox.fetchNew(after: nil, limit: 50).count == 1)
        await inbox.close()
    }

    @Test func aLargeMessageWholeAndOneOverTheBoundCutThere() async throws {
        let dovecot = try await DovecotPeer.start()
        defer { dovecot.stop() }
        var random = SplitMix(seed: 7)
        let attachment = (0..<(6 << 20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let base64 = Data(attachment).base64EncodedString(options: [
            .lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed,
        ])
        let large = DovecotPeer.message(1, body: base64)
        try dovecot.deliver(large)
        let inbox = IMAPInbox(dovecot.configuration())
        let read = try await inbox.fetchNew(after: nil, limit: 50)
        #expect(read.count == 1)
        #expect(read.first?.raw == Array(large.utf8))
        await inbox.close()
        var bounded = dovecot.configuration()
        bounded.maxMessageBytes = 1 << 20
        let cut = try await IMAPInbox(bounded).fetchNew(after: nil, limit: 50)
        #expect(cut.first?.raw == Array(large.utf8.prefix(1 << 20)))
    }

    @Test func aMailboxNamedInUTF8AndOneThatDoesNotExist() async throws {
        let dovecot = try await DovecotPeer.start()
        defer { dovecot.stop() }
        try dovecot.deliver(DovecotPeer.message(1), mailbox: "Boîte & Co")
        let inbox = IMAPInbox(dovecot.configuration(mailbox: "Boîte & Co"))
        #expect(try await inbox.fetchNew(after: nil, limit: 50).count == 1, "\(dovecot.log)")
        await inbox.close()
        do {
            _ = try await IMAPInbox(dovecot.configuration(mailbox: "Nowhere")).fetchNew(after: nil, limit: 50)
            Issue.record("a mailbox that does not exist must be said")
        } catch let error as IMAPError {
            #expect(error.kind == .refused)
            #expect(error.description.contains("SELECT Nowhere refused: NO"), "\(error)")
        }
    }
}
