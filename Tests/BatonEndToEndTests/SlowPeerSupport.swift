import BatonTestSupport
import Foundation
import Spawning
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `baton run BLUEPRINT --listen 127.0.0.1:0 --data-dir DATA` in the background, its log kept.
final class RunningBaton: Sendable {
    let port: Int
    let process: ChildProcess
    private let text: LogText

    /// What the run wrote to stderr, appended by the pipe's reader.
    final class LogText: Sendable {
        let value = Mutex("")
    }

    struct NotListening: Error, CustomStringConvertible { let description: String }

    /// The intake's bearer token the runs are given.
    static let token = "slow-peers"

    /// - Parameters:
    ///   - listen: the address to listen at (a free port by default).
    ///   - arguments: more of `baton run`'s options (`--public-url …`).
    init(
        _ blueprint: String, data: String, environment: [String: String] = [:], listen: String = "127.0.0.1:0",
        arguments: [String] = []
    ) async throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: BatonBinary.path)
        process.arguments = ["run", blueprint, "--listen", listen, "--data-dir", data] + arguments
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
        process.standardError = .pipe(log)
        process.standardOutput = .nullDevice
        try process.run()
        self.process = process
        self.text = text
        if let port = try await BatonBinary.listeningPort(of: process, log: { text.value.withLock { $0 } }) {
            self.port = port
            return
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

    /// An intake submission of `type` with `payload` (a JSON object's text); it starts its own case
    /// (an outside producer names a case only with its token).
    static func submission(_ type: String, payload: String) -> String {
        #"{"type": "\#(type)", "payload": \#(payload)}"#
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
    func signIn(token: String) throws -> String { try LoopbackHTTP.signIn(port: port, token: token) }
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
