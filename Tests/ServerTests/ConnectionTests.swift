import BatonTestSupport
import Foundation
import Orchestrator
import Synchronization
import Testing

@testable import Server

#if canImport(Glibc)
    import Glibc
#endif

/// The server's connections through real sockets on loopback: slow and silent clients are cut
/// off, the cap gives way or refuses politely and `/healthz` still answers, an unauthenticated
/// body is never read, only JSON is taken, `HEAD /healthz`, and who may read `/metrics`.
/// The socket work runs on plain threads (`onThread`), never the pool.
@Suite(.serialized)
struct ConnectionTests {
    /// A running server with `tune`d settings; stopped when `body` ends.
    static func withServer(
        host: String = "127.0.0.1", _ tune: (inout IntakeSettings) -> Void = { _ in },
        _ body: (Int) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("baton-conn-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        var settings = IntakeSettings(
            host: host, port: 0, token: "t0ken", hmacSecret: "s3cret", acceptedTypes: ["lead.received"])
        tune(&settings)
        let port = Mutex(0)
        let app = IntakeServer(store: store, settings: settings).application { running in
            port.withLock { $0 = running }
        }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await body(port.withLock { $0 })
    }

    static let lead = #"{"type": "lead.received", "payload": {"name": "Dana", "email": "dana@example.com"}}"#

    // MARK: Header and body bounds

    /// Half a head, a head dripped a byte at a time, and nothing at all: each is cut off once the
    /// header bound passes (0.5 s here; a minute allowed, for a loaded machine), and not before.
    @Test func clientsThatDoNotFinishTheirHeadersAreCutOff() async throws {
        try await Self.withServer({ $0.headerTimeout = .milliseconds(500) }) { port in
            let outcomes = try await onThread { () -> [(String, Bool, Double)] in
                let started = Date()
                let half = try LoopbackSocket(port: port)
                try half.send("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bea")
                let silent = try LoopbackSocket(port: port)
                let drip = try LoopbackSocket(port: port)
                try drip.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                // A byte every 100 ms: the bound is on the whole head, not on silence.
                var dripClosed = false
                while !dripClosed && Date().timeIntervalSince(started) < 60 {
                    if (try? drip.send("a")) == nil { dripClosed = true; break }
                    if drip.read(timeout: 0.1) == .closed { dripClosed = true }
                }
                let dripAt = Date().timeIntervalSince(started)
                let halfClosed = half.readUntilClosed(timeout: 60).closed
                let silentClosed = silent.readUntilClosed(timeout: 60).closed
                let allAt = Date().timeIntervalSince(started)
                return [("half", halfClosed, allAt), ("silent", silentClosed, allAt), ("drip", dripClosed, dripAt)]
            }
            for (name, closed, seconds) in outcomes {
                #expect(closed, "the \(name) client was not cut off within 60 s")
                #expect(seconds >= 0.4, "the \(name) client was cut off before its bound")
            }
        }
    }

    /// An authenticated POST whose body stops, or trickles, is cut off once the body bound passes.
    @Test(arguments: [false, true])
    func aBodyHeldOpenIsCutOff(trickle: Bool) async throws {
        try await Self.withServer({ $0.bodyTimeout = .milliseconds(600) }) { port in
            let (closed, seconds) = try await onThread { () -> (Bool, Double) in
                let client = try LoopbackSocket(port: port)
                try client.send(
                    "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t0ken\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"type\": ")
                let started = Date()
                while Date().timeIntervalSince(started) < 60 {
                    if trickle, (try? client.send(" ")) == nil { return (true, Date().timeIntervalSince(started)) }
                    switch client.read(timeout: 0.1) {
                    case .closed: return (true, Date().timeIntervalSince(started))
                    case .data, .timedOut: continue
                    }
                }
                return (false, 60)
            }
            #expect(closed, "a body held open was not cut off within 60 s")
            #expect(seconds >= 0.4)
        }
    }

    // MARK: Credentials before the body

    /// No credential or a wrong token: 401 with `Connection: close` while the body is still
    /// coming — 10 MB announced, a few bytes sent, the body bound a minute — and the connection ends.
    @Test(arguments: [
        ("", 10 * 1024 * 1024), ("Authorization: Bearer wrong\r\n", 10 * 1024 * 1024), ("", 2000),
        ("Authorization: Bearer wrong\r\n", 2000), ("Authorization: Basic dDBrZW4=\r\n", 2000),
    ])
    func anUnauthenticatedBodyIsNeverRead(credential: String, length: Int) async throws {
        try await Self.withServer({ $0.bodyTimeout = .seconds(60) }) { port in
            let (answer, closed) = try await onThread { () -> (LoopbackHTTP.Response?, Bool) in
                let client = try LoopbackSocket(port: port)
                try client.send(
                    "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\(credential)Content-Type: application/json\r\n"
                        + "Content-Length: \(length)\r\n\r\n{\"type\": \"lead.")
                let answer = client.response(timeout: PeerTimeout.seconds)
                return (answer, client.readUntilClosed(timeout: PeerTimeout.seconds).closed)
            }
            #expect(answer?.status == 401)
            #expect(answer?.header("Connection")?.lowercased() == "close")
            #expect(closed, "the connection stayed open after the 401")
        }
    }

    /// A correct token still gets in after all that, on the same server.
    @Test func aGoodTokenStillGetsIn() async throws {
        try await Self.withServer { port in
            let answer = try await onThread {
                try LoopbackHTTP.send(
                    port: port, "POST", "/v1/events",
                    headers: ["Authorization": "Bearer t0ken", "Content-Type": "application/json"], body: Self.lead,
                    timeout: PeerTimeout.seconds)
            }
            #expect(answer.status == 202)
        }
    }

    // MARK: Content-Type

    @Test(arguments: [
        ("text/plain", 415), ("application/x-www-form-urlencoded", 415), ("", 415), ("text/json", 415),
        ("application/json; charset=utf-8", 202), ("Application/JSON", 202),
    ])
    func onlyJSONIsTaken(type: String, status: Int) async throws {
        try await Self.withServer { port in
            var headers = ["Authorization": "Bearer t0ken"]
            if !type.isEmpty { headers["Content-Type"] = type }
            let answer = try await onThread { [headers] in
                try LoopbackHTTP.send(
                    port: port, "POST", "/v1/events", headers: headers, body: Self.lead, timeout: PeerTimeout.seconds)
            }
            #expect(answer.status == status, "\(type): \(answer.body)")
            if status == 415 {
                let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: String]
                #expect(json?["expected"] == "application/json")
            }
        }
    }

    // MARK: /healthz

    @Test func headHealthzAnswers200WithoutABody() async throws {
        try await Self.withServer { port in
            let (head, get) = try await onThread { () -> (String, LoopbackHTTP.Response) in
                let client = try LoopbackSocket(port: port)
                try client.send("HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                let head = String(decoding: client.readUntilClosed(timeout: PeerTimeout.seconds).bytes, as: UTF8.self)
                return (head, try LoopbackHTTP.send(port: port, "GET", "/healthz", timeout: PeerTimeout.seconds))
            }
            #expect(head.hasPrefix("HTTP/1.1 200"), "\(head)")
            #expect(head.lowercased().contains("content-length: 3\r\n"))
            #expect(head.hasSuffix("\r\n\r\n"), "a body came with HEAD: \(head)")
            #expect(get.status == 200 && get.body == "ok\n")
        }
    }

    // MARK: The cap

    /// Cap 4, seven idle connections: the three idle the longest are closed to let the newer ones
    /// in, the four newest stay, and `/healthz` on yet another connection answers.
    @Test func pastTheCapTheLongestIdleGiveWayAndHealthzAnswers() async throws {
        try await Self.withServer({ $0.maxConnections = 4 }) { port in
            // Blocking sockets paced on a thread of their own (`onThread`), off the cooperative pool.
            let (closed, health) = try await onThread { () -> ([Int], Int) in
                var clients: [LoopbackSocket] = []
                for _ in 0..<7 {
                    clients.append(try LoopbackSocket(port: port))
                    // In order: each is admitted before the next arrives (the server's event loops
                    // may each be late by tens of milliseconds when the whole suite loads the cores:
                    // at 50 ms apart, [0, 2, 4] were found the longest idle once).
                    Thread.sleep(forTimeInterval: 0.25)
                }
                var closed: [Int] = []
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline {
                    closed = clients.indices.filter { clients[$0].read(timeout: 0.01) == .closed }
                    if closed.count >= 3 { break }
                    Thread.sleep(forTimeInterval: 0.05)
                }
                Thread.sleep(forTimeInterval: 0.2)
                closed = clients.indices.filter { clients[$0].read(timeout: 0.01) == .closed }
                let health = try LoopbackHTTP.send(port: port, "GET", "/healthz", timeout: PeerTimeout.seconds).status
                return (closed, health)
            }
            #expect(closed == [0, 1, 2])
            #expect(health == 200)
        }
    }

    /// Cap 3, all three reading a body: a newcomer is answered 503 with `Retry-After` at once, and
    /// once they are gone `/healthz` answers again.
    @Test func whenNoOneIsIdleANewcomerIsRefusedPolitely() async throws {
        try await Self.withServer({ settings in
            settings.maxConnections = 3
            settings.bodyTimeout = .seconds(60)
        }) { port in
            let (refused, retryAfter, recovered) = try await onThread { () -> (Int, String?, Int) in
                var busy: [LoopbackSocket] = []
                for _ in 0..<3 {
                    let client = try LoopbackSocket(port: port)
                    try client.send(
                        "POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t0ken\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{")
                    busy.append(client)
                }
                // Time for the server to read the three heads (a loaded machine's), so all three are busy.
                Thread.sleep(forTimeInterval: 2)
                let answer = try LoopbackHTTP.send(port: port, "GET", "/healthz", timeout: PeerTimeout.seconds)
                for client in busy { client.close() }
                var recovered = 0
                let deadline = Date().addingTimeInterval(60)
                while recovered != 200 && Date() < deadline {
                    recovered =
                        (try? LoopbackHTTP.send(port: port, "GET", "/healthz", timeout: PeerTimeout.seconds))?.status
                        ?? 0
                    if recovered != 200 { Thread.sleep(forTimeInterval: 0.1) }
                }
                return (answer.status, answer.header("Retry-After"), recovered)
            }
            #expect(refused == 503)
            #expect(retryAfter == "1")
            #expect(recovered == 200)
        }
    }

    // MARK: /metrics

    /// Loopback peers read `/metrics`; one that came through a proxy, or from the machine's other
    /// address, does not.
    @Test func metricsAreForLoopbackPeersByDefault() async throws {
        let outside = Self.nonLoopbackIPv4()
        try await Self.withServer(host: "0.0.0.0") { port in
            let (local, proxied, remote) = try await onThread { () -> (Int, Int, Int?) in
                let local = try LoopbackHTTP.send(port: port, "GET", "/metrics", timeout: PeerTimeout.seconds).status
                let proxied = try LoopbackHTTP.send(
                    port: port, "GET", "/metrics", headers: ["X-Forwarded-For": "203.0.113.9"],
                    timeout: PeerTimeout.seconds
                ).status
                let remote = try outside.map { try Self.get(host: $0, port: port, "/metrics").status }
                return (local, proxied, remote)
            }
            #expect(local == 200)
            #expect(proxied == 403)
            if let remote {
                #expect(remote == 403)
            } else {
                print("no non-loopback IPv4 address here: that case is covered by ConnectionRulesTests")
            }
        }
    }

    /// With a metrics token: from anywhere with it, from nowhere without it.
    @Test func withATokenMetricsNeedTheToken() async throws {
        let outside = Self.nonLoopbackIPv4()
        try await Self.withServer(host: "0.0.0.0", { $0.metricsAccess = .token("m3trics") }) { port in
            let statuses = try await onThread { () -> [Int] in
                var statuses = [
                    try LoopbackHTTP.send(port: port, "GET", "/metrics", timeout: PeerTimeout.seconds).status,
                    try LoopbackHTTP.send(
                        port: port, "GET", "/metrics", headers: ["Authorization": "Bearer nope"],
                        timeout: PeerTimeout.seconds
                    ).status,
                    try LoopbackHTTP.send(
                        port: port, "GET", "/metrics", headers: ["Authorization": "Bearer m3trics"],
                        timeout: PeerTimeout.seconds
                    ).status,
                ]
                if let outside {
                    statuses.append(try Self.get(host: outside, port: port, "/metrics").status)
                    statuses.append(
                        try Self.get(
                            host: outside, port: port, "/metrics", headers: "Authorization: Bearer m3trics\r\n"
                        )
                        .status)
                }
                return statuses
            }
            #expect(Array(statuses.prefix(3)) == [401, 401, 200])
            if statuses.count == 5 { #expect(Array(statuses.suffix(2)) == [401, 200]) }
        }
    }

    /// A GET to `host`:`port` (any IPv4 address, where LoopbackHTTP speaks to 127.0.0.1 only).
    static func get(host: String, port: Int, _ path: String, headers: String = "") throws -> LoopbackHTTP.Response {
        let client = try LoopbackSocket(port: port, host: host)
        try client.send("GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\(headers)\r\n")
        guard let answer = client.response(timeout: PeerTimeout.seconds) else {
            throw LoopbackSocket.Failure(description: "no answer from \(host):\(port)\(path)")
        }
        return answer
    }

    /// This machine's first IPv4 address that is not loopback, if it has one.
    static func nonLoopbackIPv4() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else {
                continue
            }
            let ipv4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            var copy = ipv4
            inet_ntop(AF_INET, &copy, &text, socklen_t(INET_ADDRSTRLEN))
            let dotted = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !dotted.hasPrefix("127.") { return dotted }
        }
        return nil
    }
}
