import Foundation
import Synchronization

/// An open-loop load generator: requests are scheduled at a fixed rate, sent over keep-alive
/// HTTP/1.1 connections by worker threads, and each latency runs from the request's scheduled
/// time to its answer (so a slow answer delays the ones behind it and counts for them too).
struct SteadyLoad {
    let port: Int
    let body: String
    var workers = 32

    /// Milliseconds per answered request, sorted.
    func run(rate: Int, seconds: Int) throws -> [Double] {
        let total = rate * seconds
        let next = Atomic<Int>(0)
        let results = Mutex<[Double]>([])
        let begin = DispatchTime.now().uptimeNanoseconds
        let request = Array(
            ("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer bench\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)").utf8)
        let threads = (0..<workers).map { _ in
            Thread {
                guard let connection = try? Connection(port: port) else { return }
                var mine: [Double] = []
                while true {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < total else { break }
                    let due = begin + UInt64(Double(index) / Double(rate) * 1e9)
                    let now = DispatchTime.now().uptimeNanoseconds
                    if due > now { usleep(UInt32((due - now) / 1000)) }
                    guard (try? connection.exchange(request)) != nil else { break }
                    mine.append(Double(DispatchTime.now().uptimeNanoseconds - due) / 1e6)
                }
                results.withLock { $0 += mine }
            }
        }
        threads.forEach { $0.start() }
        while results.withLock({ $0.count }) < total
            && DispatchTime.now().uptimeNanoseconds - begin < UInt64(seconds + 30) * 1_000_000_000
        {
            Thread.sleep(forTimeInterval: 0.05)
            if threads.allSatisfy(\.isFinished) { break }
        }
        return results.withLock { $0 }.sorted()
    }

    /// One keep-alive TCP connection to the loopback server.
    final class Connection {
        let socket: Int32

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var one: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        }

        deinit { close(socket) }

        /// Sends the request and reads one whole answer (headers, then Content-Length bytes).
        func exchange(_ request: [UInt8]) throws {
            guard request.withUnsafeBytes({ send(socket, $0.baseAddress, $0.count, 0) }) == request.count else {
                throw POSIXError(.EPIPE)
            }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                guard n > 0 else { throw POSIXError(.ECONNRESET) }
                received += buffer[0..<n]
                let text = String(decoding: received, as: UTF8.self)
                guard let end = text.range(of: "\r\n\r\n") else { continue }
                let head = text[..<end.lowerBound].lowercased()
                let length =
                    head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count >= text.utf8.distance(from: text.startIndex, to: end.upperBound) + length { return }
            }
        }
    }
}
