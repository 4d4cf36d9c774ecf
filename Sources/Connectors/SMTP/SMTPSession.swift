import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP conversation over SwiftNIO, driven synchronously from the dispatcher's thread: each
/// command is written, then the calling thread waits (up to the timeout) for the reply the
/// channel handler hands over.
final class SMTPSession {
    private let channel: Channel
    private let replies: ReplyMailbox
    private let timeout: TimeInterval
    /// The extensions the server offered in its last EHLO reply (`STARTTLS`, `AUTH PLAIN LOGIN`, `8BITMIME`…).
    private(set) var extensions: [String] = []

    private init(channel: Channel, replies: ReplyMailbox, timeout: TimeInterval) {
        self.channel = channel
        self.replies = replies
        self.timeout = timeout
    }

    /// Connects and reads the server's greeting.
    static func open(host: String, port: Int, timeout: TimeInterval) throws -> SMTPSession {
        let replies = ReplyMailbox()
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPResponseDecoder()))
                    try channel.pipeline.syncOperations.addHandler(ReplyHandler(replies: replies))
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.connect(host: host, port: port).wait()
        } catch {
            throw SMTPError.connection("cannot reach \(host):\(port) (\(error))")
        }
        let session = SMTPSession(channel: channel, replies: replies, timeout: timeout)
        _ = try session.expect(220, after: "connecting")
        return session
    }

    /// Sends one command line and returns the reply, which must have one of `codes`.
    @discardableResult
    func command(_ line: String, expect codes: Set<Int>, shownAs shown: String? = nil) throws -> SMTPResponse {
        try write(line + "\r\n")
        return try expect(codes, after: shown ?? line)
    }

    /// The next reply, which must have one of `codes`.
    func expect(_ codes: Set<Int>, after command: String) throws -> SMTPResponse {
        let reply = try replies.next(timeout: timeout, waitingFor: command)
        guard codes.contains(reply.code) else {
            throw SMTPError.reply(code: reply.code, text: reply.text, command: command)
        }
        return reply
    }

    func expect(_ code: Int, after command: String) throws -> SMTPResponse {
        try expect([code], after: command)
    }

    /// EHLO, falling back to HELO for an old server; records the offered extensions.
    func hello(_ name: String) throws {
        do {
            let reply = try command("EHLO \(name)", expect: [250])
            extensions = Array(reply.lines.dropFirst()).map { $0.uppercased() }
        } catch SMTPError.reply(let code, _, _) where code >= 500 {
            try command("HELO \(name)", expect: [250])
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
    func startTLS(context: NIOSSLContext, serverHostname: String?, heloName: String) throws {
        try command("STARTTLS", expect: [220])
        // Anything the server sent after its 220 came before TLS: taking it as a later reply would
        // let a man in the middle answer for the server (STARTTLS command injection).
        guard replies.isEmpty else {
            throw SMTPError.protocolViolation("the server sent more after agreeing to STARTTLS; refusing to go on")
        }
        do {
            try channel.eventLoop.submit { [channel] in
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: context, serverHostname: serverHostname), position: .first)
            }.wait()
        } catch {
            throw SMTPError.connection("TLS could not start: \(error)")
        }
        try hello(heloName)
    }

    /// Writes raw text (a command line, or a message's data).
    func write(_ text: String) throws {
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        do {
            try channel.writeAndFlush(buffer).wait()
        } catch {
            // Why the channel closed (a failed TLS handshake, say) says more than the failed write.
            throw SMTPError.connection(replies.endReason(within: 1) ?? "the server closed the connection (\(error))")
        }
    }

    /// QUIT, politely, then closes whatever the answer.
    func close() {
        _ = try? command("QUIT", expect: [221])
        try? channel.close().wait()
    }
}

/// Hands the replies the event loop decodes to the thread waiting for them.
final class ReplyMailbox: @unchecked Sendable {
    // @unchecked: `queue` and `ended` are only touched while `condition` is locked.
    private let condition = NSCondition()
    private var queue: [SMTPResponse] = []
    private var ended: String?

    func push(_ reply: SMTPResponse) {
        condition.withLock {
            queue.append(reply)
            condition.signal()
        }
    }

    func end(_ reason: String) {
        condition.withLock {
            if ended == nil { ended = reason }
            condition.signal()
        }
    }

    var isEmpty: Bool { condition.withLock { queue.isEmpty } }

    /// Why the connection ended, waiting up to `seconds` for the event loop to say.
    func endReason(within seconds: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while ended == nil && condition.wait(until: deadline) {}
        return ended
    }

    func next(timeout: TimeInterval, waitingFor command: String) throws -> SMTPResponse {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty {
            if let ended { throw SMTPError.connection("\(ended) (after \(command))") }
            guard condition.wait(until: deadline) else {
                throw SMTPError.timeout("after \(Int(timeout)) s waiting for the reply to \(command)")
            }
        }
        return queue.removeFirst()
    }
}

/// The last handler of the pipeline: passes each reply, and the end of the connection, on.
final class ReplyHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = SMTPResponse
    let replies: ReplyMailbox

    init(replies: ReplyMailbox) {
        self.replies = replies
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        replies.push(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if error is NIOSSLError {
            let verify = "\(error)".contains("CERTIFICATE_VERIFY_FAILED")
            replies.end(
                verify
                    ? "TLS handshake failed: the server's certificate is not trusted (for a private server, name its CA in the connector's ca_file)"
                    : "TLS handshake failed: \(error)")
        } else {
            replies.end("\(error)")
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.end("the server closed the connection")
    }
}
