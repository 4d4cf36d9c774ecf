import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One IMAP conversation over a SwiftNIO channel: commands written with their tags, responses read
/// until the tagged one, every wait bounded by the ``IMAPDeadline`` in the pipeline and every
/// response by the ``IMAPResponseDecoder``'s sizes. Untagged responses are observed as they pass
/// (`EXISTS`, `UIDNEXT`, `CAPABILITY`) whichever command they come with.
///
/// Used by one task at a time: the task of its ``IMAPConnection``.
final class IMAPSession {
    private var events: NIOAsyncChannelInboundStream<IMAPEvent>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: Channel
    let configuration: IMAPConfiguration
    private var tagNumber = 0
    /// What the server offers (`IDLE`, `AUTH=PLAIN`, `STARTTLS`, `LITERAL+`…), upper case.
    var capabilities: Set<String> = []
    /// Whether the conversation has been secured by TLS (implicit, or after STARTTLS).
    var secured: Bool
    /// The selected mailbox: its UIDVALIDITY, UIDNEXT (as SELECT or a later response said), and
    /// the number of messages as the server last said.
    var validity: UInt32?
    var uidNext: UInt32?
    var exists: UInt32 = 0
    /// `exists` when the mailbox was last searched: more since means new mail.
    var existsAtSearch: UInt32 = 0
    /// Nothing was asked since SELECT (which looked for new mail).
    var justSelected = false
    /// A command failed other than by the server's refusal (a timeout, a broken protocol, a
    /// cancelled wait): the conversation cannot go on.
    var broken = false
    /// The UIDs found above some progress and not yet returned (``IMAPSession/newUIDs(after:limit:)``).
    var searched: (from: UInt32, through: UInt32, found: [UInt32])?
    /// The server said BYE (why the connection then ends).
    private var goodbye: String?

    /// At most this many responses to one command besides its tagged one: a server that keeps
    /// talking (however slowly) without ending the command is refused.
    static let maxResponsesPerCommand = 10_000

    private init(
        events: NIOAsyncChannelInboundStream<IMAPEvent>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        channel: Channel, configuration: IMAPConfiguration, secured: Bool
    ) {
        self.events = events
        self.outbound = outbound
        self.channel = channel
        self.configuration = configuration
        self.secured = secured
    }

    /// Connects (with TLS at once for `implicit`), then runs `body` with the session inside the
    /// channel's scope; the connection is closed when `body` returns or throws.
    static func connect(
        _ configuration: IMAPConfiguration, _ body: @escaping @Sendable (IMAPSession) async -> Void
    ) async throws {
        let timeout = TimeAmount.nanoseconds(Int64(max(0.001, configuration.timeout) * 1_000_000_000))
        let tls = configuration.security == .implicit ? try configuration.tlsHandler() : nil
        let limits = IMAPResponseDecoder.Limits(
            maxLine: configuration.maxLineBytes, maxLiteral: configuration.maxMessageBytes + 4096)
        let connection: NIOAsyncChannel<IMAPEvent, ByteBuffer>
        do {
            connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(try tls()) }
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(IMAPResponseDecoder(limits: limits)))
                        try channel.pipeline.syncOperations.addHandler(IMAPDeadline(timeout: timeout))
                        return try NIOAsyncChannel<IMAPEvent, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw IMAPError.connection("cannot reach \(configuration.host):\(configuration.port) (\(error))")
        }
        try await connection.executeThenClose { inbound, outbound in
            let session = IMAPSession(
                events: inbound.makeAsyncIterator(), outbound: outbound, channel: connection.channel,
                configuration: configuration, secured: tls != nil)
            await body(session)
        }
    }

    // MARK: - Commands

    /// A tag no earlier command of this connection had: `B1`, `B2`…
    func nextTag() -> String {
        tagNumber += 1
        return "B\(tagNumber)"
    }

    /// Sends a command and reads to its tagged response, passing each untagged response to
    /// `onData` (after the session has observed it). Returns the tagged OK's code and text;
    /// throws for NO or BAD (`shownAs` names the command in the message: never a password).
    @discardableResult
    func command(
        _ parts: [IMAPCommandPart], shownAs shown: String,
        onData: (IMAPResponseData, IMAPResponse) throws -> Void = {
            _, _ in
        }
    ) async throws -> (code: String?, text: String) {
        let tag = nextTag()
        try await write(tag: tag, parts, shownAs: shown)
        return try await completion(of: tag, shownAs: shown, onData: onData)
    }

    func command(_ line: String, onData: (IMAPResponseData, IMAPResponse) throws -> Void = { _, _ in }) async throws {
        try await command([.text(line)], shownAs: line, onData: onData)
    }

    /// Writes the tag and the parts, waiting for `+` before each literal unless LITERAL+ is offered.
    private func write(tag: String, _ parts: [IMAPCommandPart], shownAs shown: String) async throws {
        let nonSynchronizing = capabilities.contains("LITERAL+")
        var pending = tag
        for part in parts {
            switch part {
            case .text(let text):
                pending += " " + text
            case .literal(let bytes):
                pending += " {\(bytes.count)\(nonSynchronizing ? "+" : "")}\r\n"
                try await write(Array(pending.utf8), for: shown)
                if !nonSynchronizing { try await continuation(tag: tag, shownAs: shown) }
                try await write(bytes, for: shown)
                pending = ""
            }
        }
        try await write(Array((pending + "\r\n").utf8), for: shown)
    }

    /// Reads until the server's `+`; a tagged answer instead means it refused the command.
    func continuation(tag: String, shownAs shown: String) async throws {
        var count = 0
        while true {
            let response = try await nextResponse(after: shown)
            switch response.kind {
            case .continuation: return
            case .untagged: try observe(response, count: &count, shownAs: shown, onData: { _, _ in })
            case .tagged: _ = try finish(response, tag: tag, shownAs: shown)
            }
        }
    }

    /// Reads to the tagged response of `tag`.
    func completion(
        of tag: String, shownAs shown: String, onData: (IMAPResponseData, IMAPResponse) throws -> Void
    ) async throws -> (code: String?, text: String) {
        var count = 0
        while true {
            let response = try await nextResponse(after: shown)
            switch response.kind {
            case .untagged: try observe(response, count: &count, shownAs: shown, onData: onData)
            case .continuation:
                throw IMAPError.protocolViolation("the server asked for more of \(shown), which was complete")
            case .tagged:
                if let result = try finish(response, tag: tag, shownAs: shown) { return result }
            }
        }
    }

    /// A tagged response: its code and text when it is the OK of `tag`; throws for NO and BAD and
    /// for a tag the client never sent.
    func finish(_ response: IMAPResponse, tag: String, shownAs shown: String) throws -> (
        code: String?, text: String
    )? {
        guard case .tagged(let received) = response.kind, received == tag else {
            throw IMAPError.protocolViolation(
                "the server answered a command the client never sent (\(IMAPError.shown(response.firstLine)))")
        }
        guard case .status(let condition, let code, let text) = try response.data() else {
            throw IMAPError.protocolViolation("the server ended \(shown) oddly: \(IMAPError.shown(response.firstLine))")
        }
        if let code { noteCapabilities(inCode: code) }
        guard condition == "OK" else {
            let detail = (code.map { "[\($0)] " } ?? "") + text
            throw IMAPError.refused(shown, condition, detail)
        }
        return (code, text)
    }

    /// What every untagged response tells the session, whichever command it comes with.
    private func observe(
        _ response: IMAPResponse, count: inout Int, shownAs shown: String,
        onData: (IMAPResponseData, IMAPResponse) throws -> Void
    ) throws {
        count += 1
        guard count <= Self.maxResponsesPerCommand else {
            throw IMAPError.protocolViolation(
                "the server sent more than \(Self.maxResponsesPerCommand) responses to \(shown)")
        }
        let data = try response.data()
        switch data {
        case .capability(let offered): capabilities = Set(offered)
        case .count(let number, "EXISTS"): exists = number
        case .count(_, "EXPUNGE"): exists = exists > 0 ? exists - 1 : 0
        case .status("BYE", _, let text): goodbye = text
        case .status(_, let code?, _):
            noteCapabilities(inCode: code)
            if let next = Self.number(in: code, after: "UIDNEXT") { uidNext = next }
        default: break
        }
        try onData(data, response)
    }

    private func noteCapabilities(inCode code: String) {
        let words = code.split(separator: " ")
        if words.first?.uppercased() == "CAPABILITY" { capabilities = Set(words.dropFirst().map { $0.uppercased() }) }
    }

    /// `n` in a response code `NAME n`.
    static func number(in code: String, after name: String) -> UInt32? {
        let words = code.split(separator: " ")
        guard words.count == 2, words[0].uppercased() == name else { return nil }
        return UInt32(words[1])
    }

    // MARK: - Reading and writing

    /// The next response; an IDLE period's end is not one (it is stale here and skipped).
    func nextResponse(after command: String) async throws -> IMAPResponse {
        while true {
            if case .response(let response) = try await nextEvent(after: command) { return response }
        }
    }

    /// The next event, or the reason there is none.
    func nextEvent(after command: String) async throws -> IMAPEvent {
        let event: IMAPEvent?
        do {
            event = try await events.next()
        } catch {
            throw explained(error, waitingFor: command)
        }
        guard let event else {
            throw IMAPError.connection(
                "the server closed the connection (after \(command))"
                    + (goodbye.map { ": BYE \(IMAPError.shown($0))" } ?? ""))
        }
        return event
    }

    func write(_ bytes: [UInt8], for command: String) async throws {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        do {
            try await outbound.write(buffer)
        } catch {
            // Why the channel closed (a timeout, a failed TLS handshake) says more than the failed write.
            do {
                while try await events.next() != nil {}
            } catch let reason {
                throw explained(reason, waitingFor: command)
            }
            throw IMAPError.connection("the server closed the connection (\(error))")
        }
    }

    /// Starts the IDLE timer in the pipeline (see ``IMAPDeadline``).
    func idleTimer(_ period: Duration) async throws {
        let (seconds, attoseconds) = period.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        try await channel.triggerUserOutboundEvent(IMAPIdle(period: .nanoseconds(max(1, nanoseconds)))).get()
    }

    /// STARTTLS, then TLS under the same connection (RFC 3501 §6.2.1), then CAPABILITY again: what
    /// the server offered before TLS may have been changed on the way.
    func startTLS() async throws {
        let tag = nextTag()
        try await write(Array("\(tag) STARTTLS\r\n".utf8), for: "STARTTLS")
        var count = 0
        while true {
            let response = try await nextResponse(after: "STARTTLS")
            if case .untagged = response.kind {
                try observe(response, count: &count, shownAs: "STARTTLS", onData: { _, _ in })
                continue
            }
            _ = try finish(response, tag: tag, shownAs: "STARTTLS")
            // Anything behind the OK came before TLS: taking it as a later response would let a man
            // in the middle answer for the server (STARTTLS command injection).
            guard !response.followedByMore else {
                throw IMAPError.protocolViolation("the server sent more after agreeing to STARTTLS; refusing to go on")
            }
            break
        }
        do {
            let handler = try configuration.tlsHandler()
            try await channel.eventLoop.submit { [channel] in
                try channel.pipeline.syncOperations.addHandler(try handler(), position: .first)
            }.get()
        } catch {
            throw IMAPError.connection("TLS could not start: \(error)")
        }
        secured = true
        capabilities = []
        try await command("CAPABILITY")
    }

    /// What a failed read means, in the connector's words.
    func explained(_ error: Error, waitingFor command: String) -> IMAPError {
        switch error {
        case let error as IMAPError where error.kind == .timeout:
            return .timeout(
                "after \(HTTPExchange.seconds(configuration.timeout)) s waiting for the answer to \(command)")
        case let error as IMAPError:
            return error
        case let error as NIOSSLError:
            return .connection(TLSHandshakeFailure.describe(error))
        default:
            return .connection("\(error) (after \(command))")
        }
    }
}
