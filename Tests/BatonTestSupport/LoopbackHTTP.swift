import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 client over a blocking loopback socket, one request per connection, for timing
/// requests from plain threads (never the cooperative pool) with nothing between the clock and
/// the socket. Every read and write has a timeout.
public enum LoopbackHTTP {
    public struct Response: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: String

        /// The first header of that name, whatever its case.
        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// One request and its whole answer; every read and write times out after `timeout` seconds.
    public static func send(
        port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: String = "",
        timeout: TimeInterval = 30
    ) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket(): errno \(errno)") }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure("\(method) \(path): connect: errno \(errno)") }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        request += "Content-Length: \(body.utf8.count)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        let bytes = Array((request + "\r\n" + body).utf8)
        var written = 0
        while written < bytes.count {
            // MSG_NOSIGNAL: a server killed mid-request must fail this request, not raise SIGPIPE in the test.
            let n = bytes[written...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure("\(method) \(path): write: errno \(errno) (timed out?)") }
            written += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n == 0 { break }
            guard n > 0 else {
                throw Failure("\(method) \(path): no complete answer within \(timeout) s (errno \(errno))")
            }
            received += buffer[0..<n]
            if let answer = parse(received) { return answer }
        }
        guard let answer = parse(received, atEnd: true) else {
            throw Failure("\(method) \(path): the connection closed mid-answer")
        }
        return answer
    }

    /// The answer in `bytes` once it is complete (by Content-Length, chunked, or the end of the stream).
    public static func parse(_ bytes: [UInt8], atEnd: Bool = false) -> Response? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator })
        else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.split(separator: " ").count >= 2,
            let status = Int(statusLine.split(separator: " ")[1])
        else { return nil }
        let headers = head.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let rest = Array(bytes[(end + 4)...])
        let response = { (body: [UInt8]) in
            Response(status: status, headers: headers, body: String(decoding: body, as: UTF8.self))
        }
        if let length = headers.first(where: { $0.0.lowercased() == "content-length" }).flatMap({ Int($0.1) }) {
            return rest.count >= length ? response(Array(rest.prefix(length))) : nil
        }
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased() == "chunked" }) {
            var body: [UInt8] = []
            var at = 0
            while true {
                guard
                    let lineEnd = (at..<max(at, rest.count - 1)).first(where: { rest[$0] == 13 && rest[$0 + 1] == 10 }),
                    let size = Int(String(decoding: rest[at..<lineEnd], as: UTF8.self), radix: 16)
                else { return nil }
                if size == 0 { return response(body) }
                guard rest.count >= lineEnd + 2 + size + 2 else { return nil }
                body += rest[(lineEnd + 2)..<(lineEnd + 2 + size)]
                at = lineEnd + 2 + size + 2
            }
        }
        return atEnd ? response(rest) : nil
    }

    /// Signs in to the approvals dashboard at `port` with `token`; the session cookie (`name=value`).
    /// As a browser does: the sign-in form first, for its CSRF cookie and field.
    public static func signIn(port: Int, token: String) throws -> String {
        let form = try send(port: port, "GET", "/login")
        guard let nonce = form.header("Set-Cookie")?.split(separator: ";").first,
            let csrf = form.body.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1
        else { throw Failure("the sign-in form (HTTP \(form.status)) has no CSRF cookie or field") }
        let answer = try send(
            port: port, "POST", "/login",
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": String(nonce)],
            body: "csrf=\(csrf)&token=\(token)")
        guard let cookie = answer.header("Set-Cookie")?.split(separator: ";").first else {
            throw Failure("signing in gave HTTP \(answer.status) and no cookie: \(answer.body)")
        }
        return cookie.trimmingCharacters(in: .whitespaces)
    }

    /// Runs `request`, and gives its status and how long it took.
    public static func timed(_ request: () throws -> Response) throws -> (status: Int, seconds: Double) {
        let started = ContinuousClock.now
        let answer = try request()
        let elapsed = (ContinuousClock.now - started).components
        return (answer.status, Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }
}
