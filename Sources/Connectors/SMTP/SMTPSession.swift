import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP conversation over a SwiftNIO `NIOAsyncChannel`: each command is written, then its
/// reply awaited. Every exchange is bounded by the timeout — the connect, the greeting, each
/// command and its reply, the message data and its reply — by a ``ReplyDeadline`` in the channel's
/// pipeline that closes a connection whose server has gone quiet; nothing blocks a thread.
///
/// Used by one task at a time, from ``SMTPSession/with(host:port:timeout:_:)``, which closes it.
final class SMTPSession {
    private var replies: NIOAsyncChannelInboundStream<SMTPResponse>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let channel: Channel
    private let timeout: TimeInterval
    /// The extensions the server offered in its last EHLO reply (`STARTTLS`, `AUTH PLAIN LOGIN`, `8BITMIME`…).
    private(set) var extensions: [String] = []

    private init(
        replies: NIOAsyncChannelInboundStream<SMTPResponse>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: Channel, timeout: TimeInterval
    ) {
        self.replies = replies
        self.outbound = outbound
        self.channel = channel
        self.timeout = timeout
    }

    /// Connects, reads the server's greeting, runs `body` with the session, then says QUIT and
    /// closes the connection, whatever `body` did.
    static func with<Result: Sendable>(
        host: String, port: Int, timeout: TimeInterval, _ body: (SMTPSession) async throws -> Result
    ) async throws -> Result {
        let deadline = TimeAmount.nanoseconds(Int64(max(0.001, timeout) * 1_000_000_000))
        let connection: NIOAsyncChannel<SMTPResponse, ByteBuffer>
        do {
            connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(deadline)
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(SMTPResponseDecoder()), name: SMTPSession.decoderName)
                        try channel.pipeline.syncOperations.addHandler(ReplyDeadline(timeout: deadline))
                        return try NIOAsyncChannel<SMTPResponse, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError.connection("cannot reach \(host):\(port) (\(error))")
        }
        return try await connection.executeThenClose { inbound, outbound in
            let session = SMTPSession(
                replies: inbound.makeAsyncIterator(), outbound: outbound, channel: connection.channel,
                timeout: timeout)
            _ = try await session.expect(220, after: "connecting")
            let result: Result
            do {
                result = try await body(session)
            } catch {
                await session.quit()
                throw error
            }
            await session.quit()
            return result
        }
    }

    static let decoderName = "smtp-replies"

    /// Sends one command line and returns the reply, which must have one of `codes`.
    @discardableResult
    func command(_ line: String, expect codes: Set<Int>, shownAs shown: String? = nil) async throws -> SMTPResponse {
        try await write(line + "\r\n", for: shown ?? line)
        return try await expect(codes, after: shown ?? line)
    }

    /// The next reply, which must have one of `codes`.
    func expect(_ codes: Set<Int>, after command: String) async throws -> SMTPResponse {
        let reply: SMTPResponse?
        do {
            reply = try await replies.next()
        } catch {
            throw Self.explained(error, waitingFor: command, timeout: timeout)
        }
        guard let reply else { throw SMTPError.connection("the server closed the connection (after \(command))") }
        guard codes.contains(reply.code) else {
            throw SMTPError.reply(code: reply.code, text: reply.text, command: command)
        }
        return reply
    }

    func expect(_ code: Int, after command: String) async throws -> SMTPResponse {
        try await expect([code], after: command)
    }

    /// EHLO, falling back to HELO for an old server; records the offered extensions.
    func hello(_ name: String) async throws {
        do {
            let reply = try await command("EHLO \(name)", expect: [250])
            extensions = Array(reply.lines.dropFirst()).map { $0.uppercased() }
        } catch SMTPError.reply(let code, _, _) where code >= 500 {
            try await command("HELO \(name)", expect: [250])
            extensions = []
        }
    }

    func offers(_ name: String) -> Bool {
        extensions.contains { $0 == name || $0.hasPrefix(name + " ") }
    }

    /// The mechanisms after `AUTH` in the EHLO reply.
    var authMechanisms: [String] {
        extensions.first { $0.hasPrefix("AUTH ") }.map { $0.dropFirst(5).split(separator: " ").map(String.init) } ?? []
    }

    /// STARTTLS, then TLS under the same connection (RFC 3207), then EHLO again.
    func startTLS(context: NIOSSLContext, serverHostname: String?, heloName: String) async throws {
        let agreed = try await command("STARTTLS", expect: [220])
        // Anything the server sent after its 220 came before TLS: taking it as a later reply would
        // let a man in the middle answer for the server (STARTTLS command injection). A whole reply
        // nobody asked for is refused by ``ReplyDeadline``; bytes behind the 220 are refused here.
        guard !agreed.followedByMore else {
            throw SMTPError.protocolViolation("the server sent more after agreeing to STARTTLS; refusing to go on")
        }
        do {
            try await channel.eventLoop.submit { [channel] in
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: context, serverHostname: serverHostname), position: .first)
            }.get()
        } catch {
            throw SMTPError.connection("TLS could not start: \(error)")
        }
        try await hello(heloName)
    }

    /// Writes raw text (a command line, or a message's data) that one reply will answer.
    func write(_ text: String, for command: String) async throws {
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        do {
            try await outbound.write(buffer)
        } catch {
            // Why the channel closed (a timeout, a failed TLS handshake) says more than the failed
            // write: it is the error the replies end with.
            do {
                while try await replies.next() != nil {}
            } catch let reason {
                throw Self.explained(reason, waitingFor: command, timeout: timeout)
            }
            throw SMTPError.connection("the server closed the connection (\(error))")
        }
    }

    /// QUIT, politely (bounded by the timeout like any exchange); the caller then closes.
    private func quit() async {
        _ = try? await command("QUIT", expect: [221])
    }

    /// What a failed read means, in the connector's words.
    static func explained(_ error: Error, waitingFor command: String, timeout: TimeInterval) -> SMTPError {
        switch error {
        case SMTPError.timeout:
            return .timeout("after \(HTTPExchange.seconds(timeout)) s waiting for the reply to \(command)")
        case let error as SMTPError:
            return error
        case let error as NIOSSLError:
            return .connection(TLSHandshakeFailure.describe(error))
        default:
            return .connection("\(error) (after \(command))")
        }
    }
}

/// Bounds every exchange with the server: armed when the connection opens (for the greeting) and
/// on every write, disarmed when the last awaited reply arrives. When it fires, the replies end
/// with ``SMTPError/timeout(_:)`` and the connection is closed, which also ends a write the server
/// has stopped reading. A reply that no command asked for (the client never pipelines) is a
/// protocol violation: after STARTTLS it would be a man in the middle answering for the server.
final class ReplyDeadline: ChannelDuplexHandler {
    typealias InboundIn = SMTPResponse
    typealias InboundOut = SMTPResponse
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let timeout: TimeAmount
    /// Replies awaited: the greeting, then one per write.
    private var awaited = 1
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard awaited > 0 else {
            fail(context, SMTPError.protocolViolation("the server sent a reply no command asked for"))
            return
        }
        awaited -= 1
        if awaited == 0 {
            timer?.cancel()
            timer = nil
        } else {
            arm(context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        awaited += 1
        arm(context)
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let handler = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (deadline, context) = handler.value
            deadline.fail(context, SMTPError.timeout(""))
        }
    }

    private func fail(_ context: ChannelHandlerContext, _ error: SMTPError) {
        timer?.cancel()
        timer = nil
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}
