import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A raw TCP connection to a loopback port, for tests that speak HTTP badly on purpose: half a
/// head, a body that never comes, nothing at all. Blocking, so use it from a plain thread
/// (`onThread`), never the cooperative pool; every connect, write and read has a timeout,
/// and writes never raise SIGPIPE.
public final class LoopbackSocket: @unchecked Sendable {
    // @unchecked: one test thread uses a socket at a time; `fd` changes only in `close()`.
    public private(set) var fd: Int32

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// What a read saw.
    public enum Outcome: Equatable, Sendable {
        case data([UInt8])
        /// The peer closed (end of stream) or reset the connection.
        case closed
        case timedOut
    }

    /// Connects to `host`:`port` (an IPv4 address) within `timeout` seconds.
    public init(port: Int, host: String = "127.0.0.1", timeout: TimeInterval = 10) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket(): errno \(errno)") }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = errno
            Glibc.close(fd)
            throw Failure(description: "connect to port \(port): errno \(error)")
        }
    }

    deinit { close() }

    /// Sends all of `text`; throws when the peer has closed or reset the connection.
    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            written += n
        }
    }

    /// One read, waiting up to `timeout` seconds for something to arrive.
    public func read(timeout: TimeInterval) -> Outcome {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(timeout * 1000))
        guard ready > 0 else { return .timedOut }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? .data(Array(buffer[..<n])) : .closed
    }

    /// Everything the peer sends until it closes (true) or `timeout` seconds pass (false).
    public func readUntilClosed(timeout: TimeInterval) -> (bytes: [UInt8], closed: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return (received, false) }
            switch read(timeout: left) {
            case .data(let bytes): received += bytes
            case .closed: return (received, true)
            case .timedOut: return (received, false)
            }
        }
    }

    /// The first answer in what the peer sends, once it is complete (or the peer closes), within `timeout`.
    public func response(timeout: TimeInterval) -> LoopbackHTTP.Response? {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        while deadline.timeIntervalSinceNow > 0 {
            switch read(timeout: deadline.timeIntervalSinceNow) {
            case .data(let bytes):
                received += bytes
                if let answer = LoopbackHTTP.parse(received) { return answer }
            case .closed: return LoopbackHTTP.parse(received, atEnd: true)
            case .timedOut: return nil
            }
        }
        return nil
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
