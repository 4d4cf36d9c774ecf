import Foundation
import Mail
import NIOCore

/// The conversation an inbox needs: greeting, TLS, sign-in, SELECT, the search for new UIDs, the
/// fetch of each message, `\Seen`, IDLE and LOGOUT.
extension IMAPSession {
    /// Reads the greeting, secures the connection as configured, signs in and selects the mailbox.
    func open() async throws {
        let greeting = try await nextResponse(after: "connecting")
        guard case .untagged = greeting.kind, case .status(let condition, let code, let text) = try greeting.data()
        else {
            throw IMAPError.protocolViolation(
                "the server's greeting is not IMAP: \(IMAPError.shown(greeting.firstLine))")
        }
        guard condition == "OK" || condition == "PREAUTH" else {
            throw IMAPError.connection("the server turned the connection away: \(condition) \(IMAPError.shown(text))")
        }
        if let code, code.uppercased().hasPrefix("CAPABILITY ") {
            capabilities = Set(code.split(separator: " ").dropFirst().map { $0.uppercased() })
        } else {
            try await command("CAPABILITY")
        }
        if configuration.security == .startTLS {
            guard capabilities.contains("STARTTLS") else {
                throw IMAPError.unsupported(
                    "\(configuration.host) does not offer STARTTLS; use tls: implicit (port 993) if it speaks TLS at once"
                )
            }
            try await startTLS()
        }
        if condition != "PREAUTH" { try await signIn() }
        try await select()
    }

    /// AUTHENTICATE PLAIN when offered (or asked for), else LOGIN.
    private func signIn() async throws {
        let (username, password) = (configuration.username, configuration.password)
        guard secured || IMAPConfiguration.isLoopback(configuration.host) else {
            throw IMAPError.unsupported("the password is not sent in the clear to \(configuration.host)")
        }
        let plain =
            configuration.authentication == .plain
            || (configuration.authentication == nil && capabilities.contains("AUTH=PLAIN"))
        let shown = plain ? "AUTHENTICATE PLAIN" : "LOGIN"
        do {
            if plain {
                let response = Data(("\0" + username + "\0" + password).utf8).base64EncodedString()
                if capabilities.contains("SASL-IR") {
                    try await command([.text("AUTHENTICATE PLAIN " + response)], shownAs: shown)
                } else {
                    let tag = try await authenticateStart()
                    try await write(Array((response + "\r\n").utf8), for: shown)
                    _ = try await completion(of: tag, shownAs: shown, onData: { _, _ in })
                }
            } else {
                guard !capabilities.contains("LOGINDISABLED") else {
                    throw IMAPError.unsupported(
                        "\(configuration.host) refuses LOGIN here (LOGINDISABLED) and offers no AUTH=PLAIN")
                }
                try await command(
                    [
                        .text("LOGIN"), try IMAPCommandText.string(username, what: "user name"),
                        try IMAPCommandText.string(password, what: "password"),
                    ], shownAs: shown)
            }
        } catch let error as IMAPError where error.kind == .refused {
            throw IMAPError(
                .authentication,
                "the IMAP server \(configuration.host) refused the sign-in of \(username) (\(shown)): "
                    + error.description.replacingOccurrences(of: "IMAP \(shown) refused: ", with: ""))
        }
        try await command("CAPABILITY")
    }

    /// `AUTHENTICATE PLAIN` without an initial response, to the server's `+`.
    private func authenticateStart() async throws -> String {
        let tag = nextTag()
        try await write(Array("\(tag) AUTHENTICATE PLAIN\r\n".utf8), for: "AUTHENTICATE PLAIN")
        try await continuation(tag: tag, shownAs: "AUTHENTICATE PLAIN")
        return tag
    }

    /// SELECT: the mailbox's UIDVALIDITY, UIDNEXT and size.
    func select() async throws {
        validity = nil
        uidNext = nil
        searched = nil
        let name = configuration.mailbox
        let shown = "SELECT \(name)"
        try await command(
            [.text("SELECT"), try IMAPCommandText.string(IMAPCommandText.mailboxName(name), what: "mailbox name")],
            shownAs: shown
        ) { data, _ in
            if case .status("OK", let code?, _) = data, let value = Self.number(in: code, after: "UIDVALIDITY") {
                self.validity = value
            }
        }
        guard validity != nil else {
            throw IMAPError.protocolViolation("the server selected \(name) without saying its UIDVALIDITY")
        }
        existsAtSearch = 0
        justSelected = true
    }

    /// The UIDs above `progress` in the selected mailbox, oldest first, at most `limit`. Searched
    /// in windows of UIDs (so that no answer holds more than a window's numbers), the last one
    /// open-ended; what was found beyond `limit` is kept for the next call.
    func newUIDs(after progress: UInt32, limit: Int) async throws -> [UInt32] {
        let window: UInt32 = 50_000
        // A server sees mail delivered since its last look when asked (NOOP, RFC 3501 §6.1.2): a
        // search alone may not (Dovecot's does not), and SELECT has just looked.
        if !justSelected { try await command("NOOP") }
        justSelected = false
        existsAtSearch = exists
        var found: [UInt32]
        var next: UInt64
        if let searched, searched.from <= progress, progress <= searched.through {
            found = searched.found.filter { $0 > progress }
            next = UInt64(searched.through) + 1
        } else {
            found = []
            next = UInt64(progress) + 1
        }
        var through = next - 1
        var searches = 0
        while found.count < limit && next <= UInt64(UInt32.max) && searches < 1000 {
            searches += 1
            let last = uidNext.map { UInt64($0) - 1 } ?? 0
            let closed = next + UInt64(window) - 1 < last
            let upper = closed ? next + UInt64(window) - 1 : UInt64(UInt32.max)
            let range = closed ? "\(next):\(upper)" : "\(next):*"
            var uids: [UInt32] = []
            try await command("UID SEARCH UID \(range)") { data, _ in
                if case .search(let numbers) = data {
                    // `n:*` answers the last message even below n (RFC 3501 §6.4.8); and a server may say anything.
                    uids += numbers.filter { UInt64($0) >= next && UInt64($0) <= upper }
                    guard uids.count <= Int(window) * 2 else {
                        throw IMAPError.protocolViolation("the server's SEARCH found more UIDs than the range holds")
                    }
                }
            }
            uids = Array(Set(uids)).sorted()
            found += uids
            through = closed ? upper : max(next - 1, UInt64(uids.last ?? 0))
            next = through + 1
            if !closed { break }
        }
        searched = (progress, UInt32(through), found)
        return Array(found.prefix(limit))
    }

    /// The message with `uid` as the server holds it (its first `maxMessageBytes` bytes), or nil
    /// when it is gone (expunged meanwhile).
    func message(uid: UInt32) async throws -> [UInt8]? {
        var body: [UInt8]?
        try await command("UID FETCH \(uid) (UID BODY.PEEK[]<0.\(configuration.maxMessageBytes)>)") { data, _ in
            guard case .fetch(_, let attributes) = data, attributes["UID"]?.number == uid else { return }
            guard let value = attributes.first(where: { $0.key.hasPrefix("BODY[]") })?.value else { return }
            switch value {
            case .string(let bytes):
                guard bytes.count <= self.configuration.maxMessageBytes else {
                    throw IMAPError.protocolViolation("the server sent more of message \(uid) than was asked")
                }
                body = bytes
            case .nil: body = []
            default: throw IMAPError.protocolViolation("the server sent message \(uid)'s body as a list")
            }
        }
        return body
    }

    /// Flags the messages `\Seen` (silently: the server need not echo their flags).
    func markSeen(_ uids: [UInt32]) async throws {
        for start in stride(from: 0, to: uids.count, by: 500) {
            let chunk = Array(uids[start..<min(uids.count, start + 500)])
            try await command("UID STORE \(IMAPCommandText.set(chunk)) +FLAGS.SILENT (\\Seen)")
        }
    }

    /// Whether a response since the last search said the mailbox grew.
    var hasNewMail: Bool { exists > existsAtSearch }

    /// IDLE (RFC 2177) until the server says the mailbox grew or `period` is over, then DONE.
    func idle(for period: Duration) async throws {
        let tag = nextTag()
        try await write(Array("\(tag) IDLE\r\n".utf8), for: "IDLE")
        try await continuation(tag: tag, shownAs: "IDLE")
        try await idleTimer(period)
        var count = 0
        while !hasNewMail {
            guard case .response(let response) = try await nextEvent(after: "IDLE") else { break }
            guard case .untagged = response.kind else {
                if case .tagged = response.kind, try finish(response, tag: tag, shownAs: "IDLE") != nil { return }
                throw IMAPError.protocolViolation("the server asked for more during IDLE")
            }
            count += 1
            // Keep-alives (`* OK Still here`) are expected, an endless stream of them is not.
            guard count <= Self.maxResponsesPerCommand else { break }
            let data = try response.data()
            switch data {
            case .count(let number, "EXISTS"): exists = number
            case .count(_, "EXPUNGE"): exists = exists > 0 ? exists - 1 : 0
            case .status("BYE", _, let text):
                throw IMAPError.connection("the server ended the connection during IDLE: BYE \(IMAPError.shown(text))")
            default: break
            }
        }
        try await write(Array("DONE\r\n".utf8), for: "IDLE (DONE)")
        _ = try await completion(of: tag, shownAs: "IDLE", onData: { _, _ in })
    }

    /// LOGOUT, politely, waiting for the answer at most ``logoutWait`` (or the timeout, if
    /// shorter); the caller then closes. Nothing depends on the answer: a server gone silent must
    /// not hold a shutdown for the whole timeout (30 s by default).
    func logout() async {
        let wait = min(Self.logoutWait, TimeAmount.nanoseconds(Int64(max(0.001, configuration.timeout) * 1e9)))
        let closer = channel.eventLoop.scheduleTask(in: wait) { [channel] in channel.close(promise: nil) }
        defer { closer.cancel() }
        _ = try? await command("LOGOUT")
    }

    /// How long closing waits for the answer to LOGOUT.
    static let logoutWait = TimeAmount.seconds(2)
}
