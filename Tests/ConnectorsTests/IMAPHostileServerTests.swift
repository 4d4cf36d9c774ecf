import BatonTestSupport
import Foundation
import Mail
import Testing

@testable import Connectors

/// The IMAP inbox against servers that hang, flood or lie (`Peers/imap_script_server.py` says what
/// each test scripts; `Peers/silent_server.py` never says a word): each ends in an error that says
/// why, within the timeout, never a crash, a hang or memory without bound.
@Suite(.serialized)
struct IMAPHostileServerTests {
    /// A script for the scripted server: what it greets with, what it answers to each line, then.
    struct Script: Encodable {
        var greeting: String
        var replies: [String] = []
        var then = "hang"
        var flood = ""

        init(greeting: [UInt8], replies: [[UInt8]] = [], then: String = "hang", flood: [UInt8] = []) {
            self.greeting = Data(greeting).base64EncodedString()
            self.replies = replies.map { Data($0).base64EncodedString() }
            self.then = then
            self.flood = Data(flood).base64EncodedString()
        }

        init(greeting: String, replies: [String] = [], then: String = "hang", flood: String = "") {
            self.init(
                greeting: Array(greeting.utf8), replies: replies.map { Array($0.utf8) }, then: then,
                flood: Array(flood.utf8))
        }
    }

    /// Signed in already (PREAUTH), no TLS (loopback), so the script starts at SELECT.
    static let greeting = "* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n"
    static let selected = [
        "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n{tag} OK [READ-WRITE] SELECT done\r\n"
    ]

    final class ScriptedServer {
        let folder = temporaryFolder("baton-imap-script")
        let peer: PythonPeer

        init() throws {
            try Data("{}".utf8).write(to: URL(fileURLWithPath: folder + "/script.json"))
            peer = try PythonPeer(
                "imap_script_server.py", ["--script", folder + "/script.json", "--log", folder + "/log"])
        }

        func play(_ script: Script) throws {
            try JSONEncoder().encode(script).write(to: URL(fileURLWithPath: folder + "/script.json"))
        }

        // A generous default: the cases reading it expect an error other than a timeout, which a
        // loaded machine's slow peer must not turn into one.
        func inbox(timeout: TimeInterval = PeerTimeout.seconds, maxMessageBytes: Int = 1 << 20) -> IMAPInbox {
            IMAPInbox(
                IMAPConfiguration(
                    host: "127.0.0.1", port: peer.port, security: .none, username: "baton", password: "s3cret",
                    timeout: timeout, maxMessageBytes: maxMessageBytes, maxLineBytes: 64 << 10))
        }

        func stop() {
            peer.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// Runs `fetchNew` and returns its error (nil when it succeeded).
    static func error(of inbox: IMAPInbox) async -> IMAPError? {
        var failure: IMAPError?
        do {
            _ = try await inbox.fetchNew(after: nil, limit: 10)
        } catch let error as IMAPError {
            failure = error
        } catch {
            Issue.record("not an IMAPError: \(error)")
        }
        await inbox.close()
        return failure
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let folder = temporaryFolder("baton-imap-silent")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let silent = try await PythonPeer.start("silent_server.py", ["--log", folder + "/log"])
        defer { silent.stop() }
        let started = ContinuousClock.now
        let inbox = IMAPInbox(
            IMAPConfiguration(
                host: "127.0.0.1", port: silent.port, security: .implicit, username: "baton", password: "s3cret",
                timeout: 1))
        let error = await Self.error(of: inbox)
        #expect(error?.kind == .timeout || error?.kind == .connection, "\(String(describing: error))")
        // It ends (a hang would not): bounded for a loaded machine, where the whole suite runs beside
        // it on two cooperative threads that other suites' blocking helpers can hold — one 1 s wait
        // was seen to take over three minutes of wall time there (189 s), none over 2 s alone.
        #expect(ContinuousClock.now - started < .seconds(360))
        // Without TLS: the greeting never comes.
        let plain = IMAPInbox(
            IMAPConfiguration(
                host: "127.0.0.1", port: silent.port, security: .none, username: "baton", password: "s3cret", timeout: 1
            ))
        let timedOut = await Self.error(of: plain)
        #expect(timedOut?.kind == .timeout)
        #expect(timedOut?.description == "IMAP timed out after 1 s waiting for the answer to connecting")
    }

    @Test func aServerThatStopsAnsweringMidwayTimesOut() async throws {
        let server = try ScriptedServer()
        defer { server.stop() }
        // Answers SELECT, then is silent at the search; then answers the search and stalls inside a literal.
        try server.play(Script(greeting: Self.greeting, replies: Self.selected))
        // 15 s: a loaded machine's slow answers to the greeting and SELECT must not time out first.
        let error = await Self.error(of: server.inbox(timeout: 15))
        #expect(error?.kind == .timeout)
        #expect(error?.description.contains("UID SEARCH") == true, "\(String(describing: error))")
        try server.play(
            Script(
                greeting: Self.greeting,
                replies: Self.selected + [
                    "* SEARCH 1\r\n{tag} OK done\r\n", "* 1 FETCH (UID 1 BODY[]<0> {100}\r\nFrom: a",
                ]))
        let stalled = await Self.error(of: server.inbox(timeout: 15))
        #expect(stalled?.kind == .timeout, "\(String(describing: stalled))")
    }

    @Test func hugeAnnouncementsEndlessLinesAndEndlessResponsesAreRefused() async throws {
        let server = try ScriptedServer()
        defer { server.stop() }
        let cases: [(Script, String)] = [
            // A literal of a terabyte announced: refused before a byte of it is awaited.
            (
                Script(
                    greeting: Self.greeting,
                    replies: Self.selected + [
                        "* SEARCH 1\r\n{tag} OK done\r\n", "* 1 FETCH (UID 1 BODY[]<0> {1099511627776}\r\n",
                    ]),
                "announced a literal of 1048576 MiB"
            ),
            (Script(greeting: "* OK {99999999999999999999999}\r\n"), "announced a literal"),
            // A line that never ends.
            (Script(greeting: Self.greeting, then: "flood", flood: String(repeating: "x", count: 8192)), "longer than"),
            (Script(greeting: "* OK " + String(repeating: "y", count: 70_000)), "longer than"),
            // Responses that never end the command.
            (Script(greeting: Self.greeting, then: "flood", flood: "* OK still here\r\n"), "more than 10000 responses"),
            // Literals without end in one response.
            (Script(greeting: Self.greeting, then: "flood", flood: "* OK {1}\r\nx"), "more than 16 literals"),
            // Lists nested without end.
            (
                Script(
                    greeting: Self.greeting,
                    replies: Self.selected + [
                        "* SEARCH 1\r\n{tag} OK done\r\n",
                        "* 1 FETCH " + String(repeating: "(", count: 500) + "\r\n{tag} OK\r\n",
                    ]),
                "nested lists deeper"
            ),
            // A message larger than asked for: announced, or sent.
            (
                Script(
                    greeting: Self.greeting,
                    replies: Self.selected + [
                        "* SEARCH 1\r\n{tag} OK done\r\n", "* 1 FETCH (UID 1 BODY[]<0> {2000000}\r\n",
                    ]),
                "2000000 bytes, more than"
            ),
            (
                Script(
                    greeting: Self.greeting,
                    replies: Self.selected + [
                        "* SEARCH 1\r\n{tag} OK done\r\n",
                        "* 1 FETCH (UID 1 BODY[]<0> {1049000}\r\n" + String(repeating: "a", count: 1_049_000)
                            + ")\r\n{tag} OK\r\n",
                    ]),
                "sent more of message 1 than was asked"
            ),
            // Answers to commands never sent, and a continuation nobody asked for.
            (Script(greeting: Self.greeting, replies: ["X99 OK [READ-WRITE] done\r\n"]), "never sent"),
            (Script(greeting: Self.greeting, replies: ["+ go on\r\n"]), "asked for more"),
            // Not IMAP at all.
            (Script(greeting: "HTTP/1.1 400 Bad Request\r\n\r\n"), "greeting is not IMAP"),
            (Script(greeting: "* BYE too busy\r\n"), "turned the connection away: BYE too busy"),
            // A SELECT without UIDVALIDITY: no progress could be kept.
            (
                Script(greeting: Self.greeting, replies: ["* 3 EXISTS\r\n{tag} OK done\r\n"]),
                "without saying its UIDVALIDITY"
            ),
            (
                Script(greeting: Self.greeting, replies: Self.selected + ["* SEARCH 1 2 banana\r\n{tag} OK\r\n"]),
                "banana"
            ),
        ]
        for (script, expected) in cases {
            try server.play(script)
            let error = await Self.error(of: server.inbox())
            #expect(error?.description.contains(expected) == true, "\(expected): \(String(describing: error))")
        }
    }

    @Test func aServerThatRefusesSaysWhatItRefused() async throws {
        let server = try ScriptedServer()
        defer { server.stop() }
        try server.play(
            Script(greeting: Self.greeting, replies: ["{tag} NO [NONEXISTENT] Mailbox doesn't exist: INBOX\r\n"]))
        // 15 s: the script never answers LOGOUT, whose wait closing each inbox costs.
        let error = await Self.error(of: server.inbox(timeout: 15))
        #expect(error?.kind == .refused)
        #expect(error?.description == "IMAP SELECT INBOX refused: NO [NONEXISTENT] Mailbox doesn't exist: INBOX")
        // A search answering the last message below the range (`n:*`), twice and out of order: read once.
        try server.play(
            Script(
                greeting: Self.greeting,
                replies: Self.selected + [
                    "* SEARCH 3 2 3\r\n{tag} OK\r\n", "* 2 FETCH (UID 2 BODY[]<0> {5}\r\nhello)\r\n{tag} OK\r\n",
                    "* 3 FETCH (FLAGS (\\Seen) UID 3 BODY[]<0> \"quoted\")\r\n* 3 FETCH (UID 3 BODY[]<0> {5}\r\nagain)\r\n{tag} OK\r\n",
                ]))
        let inbox = server.inbox(timeout: 15)
        let read = try await inbox.fetchNew(after: .imap(validity: 7, uid: 1), limit: 10)
        #expect(read.map(\.position) == [.imap(validity: 7, uid: 2), .imap(validity: 7, uid: 3)])
        #expect(read.map { String(decoding: $0.raw, as: UTF8.self) } == ["hello", "again"])
        await inbox.close()
    }

    /// Closing (a shutdown) sends LOGOUT and waits for its answer only briefly: a server that has
    /// gone silent holds it for about `IMAPSession.logoutWait` (2 s), not the exchange's timeout.
    @Test func closingWaitsBrieflyForAServerThatNeverAnswersLogout() async throws {
        let server = try ScriptedServer()
        defer { server.stop() }
        try server.play(Script(greeting: Self.greeting, replies: Self.selected + ["* SEARCH\r\n{tag} OK\r\n"]))
        let inbox = server.inbox(timeout: 90)
        #expect(try await inbox.fetchNew(after: .imap(validity: 7, uid: 3), limit: 10).isEmpty)
        let start = ContinuousClock.now
        await inbox.close()
        // Under 45 s whatever the machine's load; the timeout it waited before is 90 s.
        let took = ContinuousClock.now - start
        #expect(took < .seconds(45), "closing took \(took)")
    }

    /// Generated garbage from a server: random bytes, IMAP-looking fragments, literal announcements
    /// of every size, cut lines. Each ends (an error or a result) within the timeout, and nothing crashes.
    @Test func generatedGarbageEndsInAnErrorNotACrashOrAHang() async throws {
        let server = try ScriptedServer()
        defer { server.stop() }
        var random = SplitMix(seed: 1414)
        let fragments = [
            "* ", "+ ", "{tag} ", "OK ", "NO ", "BAD ", "BYE ", "[", "]", "(", ")", "{", "}", "{5}\r\n", "{0}\r\n",
            "{99999999}\r\n", "\"", "\\", "UID ", "FETCH ", "SEARCH ", "EXISTS", "BODY[]<0> ", "NIL ", "4294967295 ",
            "4294967296 ", "-1 ", "\r\n", "\n", "\r", "\0", "\u{FF}", "é", "UIDVALIDITY 1", "UIDNEXT 0",
        ]
        func garbage() -> [UInt8] {
            var bytes: [UInt8] = []
            for _ in 0..<random.below(40) {
                if random.chance(20) {
                    bytes += (0..<random.below(20)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                } else {
                    bytes += Array(random.pick(fragments).utf8)
                }
            }
            return bytes + (random.chance(70) ? Array("\r\n".utf8) : [])
        }
        var outcomes: [String: Int] = [:]
        for _ in 0..<200 {
            let greeting = random.chance(50) ? Array(Self.greeting.utf8) : garbage()
            let replies = (0..<random.below(5)).map { _ in random.chance(40) ? Array(Self.selected[0].utf8) : garbage()
            }
            try server.play(
                Script(
                    greeting: greeting, replies: replies, then: random.pick(["hang", "close", "flood"]),
                    flood: garbage()))
            let started = ContinuousClock.now
            let error = await Self.error(of: server.inbox(timeout: 0.5))
            // It ends: bounded as the silent server's test above is, for a loaded machine.
            #expect(ContinuousClock.now - started < .seconds(360))
            outcomes[error.map { "\($0.kind)" } ?? "read", default: 0] += 1
        }
        // Every kind of ending was reached, so the cases reach past the greeting.
        #expect(outcomes.keys.count >= 3, "\(outcomes)")
    }
}
