import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Performs a ``ConnectionStateMachine`` on a channel: one timer for the header, body and linger
/// bounds, `Connection: close` on an answer written before its body was read, and the connection's
/// idleness reported to the ``ConnectionRegistry`` (an idle one may be closed for a newcomer).
/// Sits after the HTTP/1 decoder, so it sees request heads, body parts and ends.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var machine: ConnectionStateMachine
    private let registry: ConnectionRegistry
    private var timer: Scheduled<Void>?
    private var reportedIdle = true
    private var started = false

    init(timeouts: ConnectionStateMachine.Timeouts, registry: ConnectionRegistry) {
        self.machine = ConnectionStateMachine(timeouts: timeouts)
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch machine.read(Self.kind(part)) {
        case .forward(let change):
            apply(change, context)
            reportIdleness(context)
            context.fireChannelRead(data)
        case .drop:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        switch machine.write(Self.kind(part)) {
        case .write(let change):
            context.write(data, promise: promise)
            apply(change, context)
        case .writeClosing:
            guard case .head(var head) = part else { return context.write(data, promise: promise) }
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .writeThenLinger(let linger):
            context.writeAndFlush(data, promise: promise)
            // Shut the output once the answer is out (NIO waits for pending writes); the input is
            // dropped until the client closes or the linger bound passes.
            context.close(mode: .output, promise: nil)
            apply(.arm(linger), context)
        }
        reportIdleness(context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event, machine.inputClosed() == .close {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        apply(machine.started(), context)
    }

    private func apply(_ change: ConnectionStateMachine.Timer, _ context: ChannelHandlerContext) {
        switch change {
        case .keep:
            break
        case .cancel:
            timer?.cancel()
            timer = nil
        case .arm(let bound):
            timer?.cancel()
            let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(Self.nanoseconds(bound)))) {
                let (handler, context) = loopBound.value
                handler.timer = nil
                if handler.machine.timerFired() == .close { context.close(promise: nil) }
            }
        }
    }

    private func reportIdleness(_ context: ChannelHandlerContext) {
        let idle = machine.isIdle
        guard idle != reportedIdle else { return }
        reportedIdle = idle
        registry.setIdle(context.channel, idle)
    }

    private static func kind(_ part: HTTPRequestPart) -> ConnectionStateMachine.Part {
        switch part {
        case .head: .head
        case .body: .body
        case .end: .end
        }
    }

    private static func kind(_ part: HTTPResponsePart) -> ConnectionStateMachine.Part {
        switch part {
        case .head: .head
        case .body: .body
        case .end: .end
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

@available(*, unavailable)
extension ConnectionGuardHandler: Sendable {}

/// A connection past the cap with no idle one to give way: answered `503` with `Retry-After` and
/// the output shut (the request, if any, is dropped unread), closed when the client closes or
/// after `linger`; or, when `answer` is false (too many refusals in progress), closed at once.
final class RefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let answer: Bool
    private let linger: Duration
    private var done = false

    static let response: String = {
        let body = #"{"error": "the server has too many connections open; retry in a second"}"#
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
    }()

    init(answer: Bool, linger: Duration) {
        self.answer = answer
        self.linger = linger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func refuse(_ context: ChannelHandlerContext) {
        guard !done else { return }
        done = true
        guard answer else { return context.close(promise: nil) }
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: Self.response)), promise: nil)
        context.close(mode: .output, promise: nil)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .nanoseconds(ConnectionGuardHandler.nanoseconds(linger))) {
            channel.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension RefusalHandler: Sendable {}
