import ArgumentParser
import Foundation
import Spawning
import Orchestrator
import Server
import Synchronization

/// `baton-bench-intake`: the HTTP intake under load on loopback, every event committed
/// (`synchronous=FULL`) before its answer.
@main
struct IntakeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baton-bench-intake",
        abstract: "Requests per second into POST /v1/events (wrk), and latency at a steady offered rate.")

    @Option(help: "Seconds of wrk's all-out run.")
    var seconds = 5

    @Option(help: "wrk's open connections.")
    var connections = 64

    @Option(help: "The steady offered rate, in requests per second.")
    var rate = 2000

    @Option(help: "Seconds of the steady run.")
    var steadySeconds = 10

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "baton-bench-\(UUID().uuidString)"
        )
        .path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        let port = Mutex(0)
        let intake = IntakeServer(
            store: store, settings: IntakeSettings(port: 0, token: "bench", acceptedTypes: ["lead.received"]))
        let app = intake.application { running in port.withLock { $0 = running } }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        while port.withLock({ $0 }) == 0 { Thread.sleep(forTimeInterval: 0.01) }
        let address = port.withLock { $0 }
        print(
            "intake (Hummingbird, group commit: each event committed with synchronous=FULL before its 2xx), on loopback:"
        )

        // All out: wrk from Debian, keep-alive connections posting a lead each.
        let script = folder + "/post.lua"
        try """
        wrk.method = "POST"
        wrk.headers["Authorization"] = "Bearer bench"
        wrk.headers["Content-Type"] = "application/json"
        wrk.body = '\(Self.body)'
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let before = try store.events().count
        let output = try Self.run(
            "wrk",
            [
                "-t2", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", script,
                "http://127.0.0.1:\(address)/v1/events",
            ])
        let stored = try store.events().count - before
        let answered =
            output.split(separator: "\n").first { $0.contains(" requests in ") }
            .flatMap { $0.split(separator: " ").first.map(String.init) } ?? "?"
        let groups = intake.commitGroups
        let perSecond = Self.field(output, after: "Requests/sec:") ?? "?"
        let p99 = Self.field(output, after: "99%") ?? "?"
        let non2xx = Self.field(output, after: "Non-2xx or 3xx responses:") ?? "0"
        print(
            "  wrk, \(connections) connections for \(seconds) s: \(perSecond) requests/s, p99 \(p99) (\(answered) answered, non-2xx: \(non2xx)); \(stored) events stored in \(groups.count) commits (largest \(groups.largest))"
        )

        // Steady: requests scheduled at a fixed rate; each latency counts from its scheduled time.
        let latencies = try SteadyLoad(port: address, body: Self.body).run(rate: rate, seconds: steadySeconds)
        func percentile(_ p: Double) -> Double {
            latencies[min(latencies.count - 1, Int(p * Double(latencies.count - 1)))]
        }
        print(
            "  steady \(rate) requests/s for \(steadySeconds) s (\(latencies.count) answered): p50 \(String(format: "%.2f", percentile(0.5))) ms, p99 \(String(format: "%.2f", percentile(0.99))) ms, max \(String(format: "%.2f", latencies.last ?? 0)) ms"
        )
        print("  targets: at least 10,000 requests/s; p99 under 20 ms at 2,000/s")
    }

    static let body =
        #"{"type": "lead.received", "payload": {"name": "Lead", "email": "lead@example.com", "budget": "4000"}}"#

    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = .pipe(pipe)
        process.standardError = .pipe(pipe)
        do { try process.run() } catch {
            throw ValidationError("cannot run \(tool) (apt-get install \(tool)): \(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(tool) failed: \(String(decoding: data, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The word after `label` on its line of wrk's report.
    static func field(_ text: String, after label: String) -> String? {
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(label) {
                return trimmed.dropFirst(label.count).split(separator: " ").first.map(String.init)
            }
        }
        return nil
    }
}
