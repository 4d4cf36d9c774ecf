import BatonTestSupport
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A test peer (a small Python server) on loopback: `Peers/SCRIPT` of this folder, or a path from the
/// package root; it prints `PORT <n>` when ready and stops on SIGTERM (or when the test is gone).
final class PythonPeer: Sendable {
    let port: Int
    private let process: Process

    struct NotStarted: Error, CustomStringConvertible { let description: String }

    /// Starts the script and waits (up to 20 s) for its port.
    init(_ script: String, _ arguments: [String]) throws {
        let path =
            script.contains("/")
            ? BatonBinary.packageRoot.appendingPathComponent(script).path
            : URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/\(script)").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path] + arguments
        let output = Pipe()
        // stdin stays open for the peer's life (a closed stdin is no signal to these scripts).
        process.standardInput = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while !seen.contains("\n") && Date() < deadline && process.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = seen.split(separator: "\n").first, line.hasPrefix("PORT "), let port = Int(line.dropFirst(5))
        else {
            process.terminate()
            throw NotStarted(description: "\(script) did not start (is its Python package installed?): \(seen)")
        }
        self.port = port
        self.process = process
    }

    /// SIGTERM, and waits for it to exit.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// `baton run BLUEPRINT --listen 127.0.0.1:0 --data-dir DATA` in the background, its log kept.
final class RunningBaton: Sendable {
    let port: Int
    let process: Process
    private let text: LogText

    /// What the run wrote to stderr, appended by the pipe's reader.
    final class LogText: Sendable {
        let value = Mutex("")
    }

    struct NotListening: Error, CustomStringConvertible { let description: String }

    /// The intake's bearer token the runs are given.
    static let token = "slow-peers"

    init(_ blueprint: String, data: String, environment: [String: String] = [:]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BatonBinary.path)
        process.arguments = ["run", blueprint, "--listen", "127.0.0.1:0", "--data-dir", data]
        process.environment = ProcessInfo.processInfo.environment.merging(
            [
                "BATON_INTAKE_TOKEN": Self.token, "NO_COLOR": "1",
            ].merging(environment) { $1 }
        ) { $1 }
        let text = LogText()
        let log = Pipe()
        log.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            text.value.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.text = text
        for _ in 0..<2000 {
            let logged = text.value.withLock { $0 }
            if let range = logged.range(of: "listening on http://127.0.0.1:"),
                let port = Int(logged[range.upperBound...].prefix { $0.isNumber })
            {
                self.port = port
                return
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        process.terminate()
        throw NotListening(description: "baton run did not listen: \(text.value.withLock { $0 })")
    }

    /// What it has logged so far (stderr).
    var log: String { text.value.withLock { $0 } }

    /// Sends SIGTERM and waits up to `limit` for the exit: the seconds it took and the exit status,
    /// or nil (after a SIGKILL) when it did not exit in time.
    func terminate(within limit: Duration) async throws -> (seconds: Double, status: Int32)? {
        let started = ContinuousClock.now
        kill(process.processIdentifier, SIGTERM)
        while process.isRunning && ContinuousClock.now - started < limit {
            try await Task.sleep(for: .milliseconds(5))
        }
        let seconds = (ContinuousClock.now - started).seconds
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            while process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
            return nil
        }
        return (seconds, process.terminationStatus)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// An intake submission of `type` for `caseID` with `payload` (a JSON object's text).
    static func submission(_ type: String, case caseID: String, payload: String) -> String {
        #"{"type": "\#(type)", "case": "\#(caseID)", "payload": \#(payload)}"#
    }

    /// `POST /v1/events` with the bearer token; its status and latency.
    func post(_ body: String) throws -> (status: Int, seconds: Double) {
        try LoopbackHTTP.timed {
            try LoopbackHTTP.send(
                port: port, "POST", "/v1/events",
                headers: ["Authorization": "Bearer \(Self.token)", "Content-Type": "application/json"], body: body)
        }
    }

    /// Signs in to the dashboard with `token` (from `baton approvals token`): the session cookie.
    func signIn(token: String) throws -> String {
        let answer = try LoopbackHTTP.send(
            port: port, "POST", "/login", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: "token=\(token)")
        guard let cookie = answer.header("Set-Cookie")?.split(separator: ";").first else {
            throw LoopbackHTTP.Failure("signing in gave HTTP \(answer.status) and no cookie: \(answer.body)")
        }
        return String(cookie)
    }
}

/// A small HTTP/1.1 client over a blocking loopback socket, one request per connection, for timing
/// requests from plain threads (never the cooperative pool) with nothing between the clock and
/// the socket. Every read and write has a timeout.
enum LoopbackHTTP {
    struct Response: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: String

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static func send(
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
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
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
    static func parse(_ bytes: [UInt8], atEnd: Bool = false) -> Response? {
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

    /// Runs `request`, and gives its status and how long it took.
    static func timed(_ request: () throws -> Response) throws -> (status: Int, seconds: Double) {
        let started = ContinuousClock.now
        let answer = try request()
        return (answer.status, (ContinuousClock.now - started).seconds)
    }
}

/// Runs blocking work (sockets, `waitUntilExit`) on a thread of its own, never on the cooperative pool.
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Latencies in seconds and the figures people quote.
struct Latencies: Sendable {
    var samples: [Double] = []

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    var p50: Double { percentile(0.5) }
    var p99: Double { percentile(0.99) }
    var max: Double { samples.max() ?? .nan }

    /// "n=400 p50 1.9 ms p99 6.0 ms max 8.1 ms"
    var summary: String {
        "n=\(samples.count) p50 \(Self.ms(p50)) p99 \(Self.ms(p99)) max \(Self.ms(max))"
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The JSON lines a peer appended to its log.
func peerEvents(_ path: String) -> [[String: Any]] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    return text.split(separator: "\n").compactMap {
        try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
}

/// The replies on disk in `data/outbox` (the `.eml` files' text), by file name.
func outboxReplies(_ data: String) -> [String: String] {
    let folder = data + "/outbox"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    var replies: [String: String] = [:]
    for name in names where name.hasSuffix(".eml") {
        replies[name] = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)
    }
    return replies
}
