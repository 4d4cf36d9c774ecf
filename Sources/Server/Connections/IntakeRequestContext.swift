import Hummingbird
import NIOCore

/// The request context of `baton run`'s server: Hummingbird's basic context plus the peer's
/// address, which `/metrics` (loopback only by default) and per-address limits decide on.
public struct IntakeRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer, as the socket reports it (a proxy in front shows as the proxy's address).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
