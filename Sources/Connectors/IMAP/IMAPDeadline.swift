import NIOCore

/// What the session reads: a server response, or the end of an IDLE period.
enum IMAPEvent: Sendable {
    case response(IMAPResponse)
    case idleElapsed
}

/// Asks ``IMAPDeadline`` to stop expecting an answer and to say ``IMAPEvent/idleElapsed`` after
/// `period`: the server has agreed to IDLE and may rightly say nothing until new mail comes.
struct IMAPIdle: Sendable {
    let period: TimeAmount
}

/// Bounds every exchange with the server: armed when the connection opens (for the greeting) and
/// on every write, re-armed while the server is answering (a response, or bytes of a long
/// literal), disarmed by a tagged response (the client never pipelines, so that ends the
/// exchange). When it fires, the events end with ``IMAPError`` `timeout` and the connection is
/// closed, which also ends a write the server has stopped reading. During IDLE it is replaced by
/// a timer that only says the period is over.
final class IMAPDeadline: ChannelDuplexHandler {
    typealias InboundIn = IMAPResponse
    typealias InboundOut = IMAPEvent
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let response = unwrapInboundIn(data)
        if timer != nil {
            if case .tagged = response.kind {
                disarm()
            } else {
                arm(context)
            }
        }
        context.fireChannelRead(wrapInboundOut(.response(response)))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IMAPProgress {
            if timer != nil { arm(context) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        idleTimer?.cancel()
        idleTimer = nil
        arm(context)
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let idle = event as? IMAPIdle else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        disarm()
        idleTimer?.cancel()
        let handler = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(in: idle.period) {
            let (deadline, context) = handler.value
            deadline.idleTimer = nil
            context.fireChannelRead(deadline.wrapInboundOut(.idleElapsed))
            context.fireChannelReadComplete()
        }
        promise?.succeed()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        idleTimer?.cancel()
        idleTimer = nil
        context.fireChannelInactive()
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let handler = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (deadline, context) = handler.value
            deadline.timer = nil
            deadline.idleTimer?.cancel()
            deadline.idleTimer = nil
            context.fireErrorCaught(IMAPError.timeout(""))
            context.close(promise: nil)
        }
    }
}
