import HTTPTypes
import NIOCore

/// Who may read `GET /metrics`. The figures say how much business flows through `baton run`, so
/// by default only a scraper on the same machine may: a loopback peer whose request did not come
/// through a proxy. With a token, anyone who sends `Authorization: Bearer TOKEN`.
public enum MetricsAccess: Sendable, Equatable {
    /// Loopback peers only (127.0.0.0/8, ::1), and no `Forwarded`/`X-Forwarded-For`/`X-Real-IP`
    /// header: a reverse proxy on the same machine would otherwise make every client local.
    case loopback
    /// Whoever sends this bearer token, from any address.
    case token(String)

    /// Why a request for `/metrics` is refused — the status and a message — or nil to serve it.
    func refusal(remote: SocketAddress?, headers: HTTPFields) -> (status: HTTPResponse.Status, message: String)? {
        switch self {
        case .loopback:
            let proxied = ["Forwarded", "X-Forwarded-For", "X-Real-IP"].contains { name in
                HTTPField.Name(name).map { headers[$0] != nil } ?? false
            }
            guard let remote, Self.isLoopback(remote), !proxied else {
                return (
                    .forbidden,
                    "/metrics is served to loopback clients only (set metrics_token in connectors.forms.settings to scrape it from elsewhere)"
                )
            }
            return nil
        case .token(let token):
            guard let header = headers[.authorization], header.hasPrefix("Bearer "),
                IntakeServer.same(String(header.dropFirst(7)), token)
            else { return (.unauthorized, "/metrics needs Authorization: Bearer with the metrics token") }
            return nil
        }
    }

    /// A loopback peer: 127.0.0.0/8, ::1, or IPv4-mapped 127.x (a Unix socket is local too).
    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            // sin_addr is in network order: the first byte in memory is the first octet.
            return withUnsafeBytes(of: v4.address.sin_addr.s_addr) { $0[0] } == 127
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            if bytes == Array(repeating: 0, count: 15) + [1] { return true }
            return bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff && bytes[12] == 127
        case .unixDomainSocket:
            return true
        }
    }
}
