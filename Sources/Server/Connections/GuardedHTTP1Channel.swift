import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 channel behind the connection cap and the read bounds: each accepted
/// connection is admitted by the ``ConnectionRegistry`` (closing the longest-idle one at the cap,
/// or refused with a short 503), and an admitted one gets a ``ConnectionGuardHandler`` after the
/// HTTP decoder.
struct GuardedHTTP1Channel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        /// Nil for a refused connection, which answers (or closes) by itself.
        let http: HTTP1Channel.Value?
    }

    let http: HTTP1Channel
    let registry: ConnectionRegistry
    let linger: Duration

    init(
        responder: @escaping HTTPChannelHandler.Responder, timeouts: ConnectionStateMachine.Timeouts,
        registry: ConnectionRegistry
    ) {
        self.http = HTTP1Channel(
            responder: responder,
            configuration: .init(
                additionalChannelHandlers: [ConnectionGuardHandler(timeouts: timeouts, registry: registry)]))
        self.registry = registry
        self.linger = timeouts.linger
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        switch registry.admit(channel) {
        case .admit, .admitEvicting:
            return http.setup(channel: channel, logger: logger)
                .map { Value(channel: channel, http: $0) }
                .flatMapErrorThrowing { error in
                    // NIO drops a channel whose set-up failed without closing it.
                    channel.close(promise: nil)
                    throw error
                }
        case .refuse(let answer):
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RefusalHandler(answer: answer, linger: linger))
                return Value(channel: channel, http: nil)
            }
        }
    }

    func handle(value: Value, logger: Logger) async {
        guard let connection = value.http else { return }
        await http.handle(value: connection, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the connection cap and the header, body and linger bounds.
    static func guardedHTTP1(timeouts: ConnectionStateMachine.Timeouts, registry: ConnectionRegistry)
        -> HTTPServerBuilder
    {
        .init { responder in GuardedHTTP1Channel(responder: responder, timeouts: timeouts, registry: registry) }
    }
}
