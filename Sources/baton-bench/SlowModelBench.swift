import ArgumentParser
import BatonTestSupport
import Foundation
import Spawning

#if canImport(Glibc)
    import Glibc
#endif

extension BatonBench {
    /// `baton-bench slow-model`: the built `baton run` as a new user runs it, with a language model
    /// that answers after 15 s and 20 leads waiting on it. Measures what must not wait on the model
    /// (`/healthz`, `POST /v1/events`, the signed-in dashboard, `baton event send`), the CPU `baton`
    /// spends while it waits, how soon each reply follows its answer, and SIGTERM with the calls in
    /// flight. The model is `Tests/BatonEndToEndTests/Peers/slow_model.py` (Python, on loopback).
    struct SlowModel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "slow-model",
            abstract:
                "baton run with a model that answers after 15 s and 20 leads in flight: /healthz, POST /v1/events, the dashboard, event send, SIGTERM."
        )

        @Option(help: "Leads posted at once, each waiting on the model.")
        var leads = 20

        @Option(help: "Seconds the model takes to answer.")
        var delay = 15.0

        @Option(help: "The baton executable (default: the one next to this benchmark).")
        var baton: String?

        @Option(help: "The model peer script (default: found from the package's sources).")
        var peer: String?

        // Synchronous on purpose: the load generators are plain threads pacing blocking sockets
        // (`Thread.sleep` between requests, joined with `wait()`), so nothing sits between the clock
        // and the socket; no async code runs in this process, the system under test is `baton run`.
        func run() throws {
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let batonPath =
                baton
                ?? URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0])
                .deletingLastPathComponent().appendingPathComponent("baton").path
            let peerPath = peer ?? root.appendingPathComponent("Tests/BatonEndToEndTests/Peers/slow_model.py").path
            let plumbing = root.appendingPathComponent("Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml")
            for path in [batonPath, peerPath, plumbing.path] where !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("\(path) is not there (build baton, or pass --baton / --peer)")
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "baton-bench-slow-model-\(UUID().uuidString)"
            ).path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let data = folder + "/data"
            let modelLog = folder + "/model.log"

            let model = try Child.start(
                "/usr/bin/env", ["python3", peerPath, "--delay", "\(delay)", "--log", modelLog], waitFor: "PORT ")
            defer { model.stop() }
            guard let modelPort = Int(model.line.dropFirst(5).prefix { $0.isNumber }) else {
                throw ValidationError("the model peer said: \(model.line)")
            }
            let blueprint = folder + "/slow-model.blueprint.yaml"
            try String(contentsOf: plumbing, encoding: .utf8)
                .replacingOccurrences(of: "actions_per_hour: 30", with: "actions_per_hour: 1000")
                .replacingOccurrences(
                    of: "    follow_up_after_days: 2\n",
                    with:
                        "    follow_up_after_days: 2\n    model:\n      url: http://127.0.0.1:\(modelPort)\n      name: slow\n      timeout_seconds: \(Int(delay) + 25)\n"
                )
                .write(toFile: blueprint, atomically: true, encoding: .utf8)
            let token = try Child.output(batonPath, ["approvals", "token", "--data-dir", data])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let run = try Child.start(
                batonPath, ["run", blueprint, "--listen", "127.0.0.1:0", "--data-dir", data],
                environment: ["BATON_INTAKE_TOKEN": "bench"], waitFor: "listening on http://127.0.0.1:", stderr: true)
            defer { run.stop() }
            guard let range = run.line.range(of: "listening on http://127.0.0.1:"),
                let port = Int(run.line[range.upperBound...].prefix { $0.isNumber })
            else { throw ValidationError("baton run said: \(run.line)") }
            let client = Client(port: port)
            print("slow-model: \(leads) leads on a model that answers after \(delay) s; \(batonPath)")

            // What baton spends doing nothing, to compare with what it spends while the calls wait.
            let quiet = 3.0
            let idleBefore = Self.cpuSeconds(run.pid)
            Thread.sleep(forTimeInterval: quiet)
            let idle = (Self.cpuSeconds(run.pid) - idleBefore) / quiet

            // The leads, at once; then wait until the model has been asked once per lead.
            let posted = Date()
            let intake = Paced.all(leads) { n in
                client.post(
                    #"{"type": "lead.received", "payload": {"name": "Lead \#(n + 1)", "email": "lead\#(n + 1)@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap"}}"#
                )
            }
            let asked = Self.waitForAsks(modelLog, count: leads, limit: 10)
            let firstAsk =
                Self.events(modelLog).compactMap { $0["at"] as? Double }.min() ?? Date().timeIntervalSince1970
            print("  the \(leads) leads' POST /v1/events: \(intake.summary); the model asked \(asked) times at once")

            // Quiet: the calls in flight and nothing else; what does baton spend meanwhile?
            let cpuBefore = Self.cpuSeconds(run.pid)
            Thread.sleep(forTimeInterval: quiet)
            let cpu = (Self.cpuSeconds(run.pid) - cpuBefore) / quiet
            print(
                "  CPU of baton run while \(asked) model calls wait (\(Int(quiet)) s, nothing else): \(String(format: "%.1f", cpu * 100)) % of a core (idle, before the leads: \(String(format: "%.1f", idle * 100)) %)"
            )

            // Under load, until a second before the first answer is due.
            let cookie = try client.signIn(token: token)
            let window = max(1, firstAsk + delay - 1 - Date().timeIntervalSince1970)
            let end = Date().addingTimeInterval(window)
            let counter = Counter()
            let health = Paced(every: 0.01, until: end) { client.send("GET", "/healthz") }
            let posts = Paced(every: 0.02, until: end) {
                let n = counter.next()
                return client.post(
                    #"{"type": "invoice.due", "payload": {"invoice": "INV-\#(n)"}}"#)
            }
            let pages = Paced(every: 0.1, until: end) { client.send("GET", "/approvals", headers: ["Cookie": cookie]) }
            let sends = Paced(every: 0.5, until: end) {
                let status =
                    (try? Child.status(
                        batonPath,
                        [
                            "event", "send", "booking.requested", "--payload", #"{"name": "Walk-in"}"#, "--data-dir",
                            data,
                        ]))
                return status == 0 ? 200 : 500
            }
            for paced in [health, posts, pages, sends] { paced.wait() }
            let answered = Self.events(modelLog).filter { $0["event"] as? String == "answered" }.count
            print(
                "  while the calls wait (\(String(format: "%.1f", window)) s under load; \(answered) answers came inside it):"
            )
            print("    GET /healthz:            \(health.result.summary)   (target p99 under 50 ms)")
            print("    POST /v1/events:         \(posts.result.summary)   (target p99 under 50 ms)")
            print("    GET /approvals, signed in: \(pages.result.summary)   (target under 200 ms)")
            print("    baton event send:        \(sends.result.summary)   (target: at once)")

            // The replies, as the answers come.
            var appeared: [Int: Double] = [:]
            let deadline = Date().addingTimeInterval(delay + 60)
            while appeared.count < leads && Date() < deadline {
                for (n, text) in Self.replies(data) where appeared[n] == nil {
                    if text.contains("(for Lead \(n))") { appeared[n] = Date().timeIntervalSince1970 }
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            let answers = Self.events(modelLog).filter { $0["event"] as? String == "answered" }
            let lags = answers.compactMap { event -> Double? in
                guard let name = event["name"] as? String, let n = Int(name.dropFirst(5)),
                    let at = event["at"] as? Double,
                    let seen = appeared[n]
                else { return nil }
                return seen - at
            }
            var lag = Latencies()
            lag.samples = lags
            print(
                "  replies with the model's draft: \(appeared.count) of \(leads), the last \(String(format: "%.1f", (appeared.values.max() ?? .nan) - posted.timeIntervalSince1970)) s after the leads were posted; each on disk after its answer: \(lag.summary)"
            )

            // SIGTERM with a fresh set of calls in flight.
            _ = Paced.all(leads) { n in
                client.post(
                    #"{"type": "lead.received", "payload": {"name": "Late \#(n)", "email": "late\#(n)@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap"}}"#
                )
            }
            let inFlight = Self.waitForAsks(modelLog, count: 2 * leads, limit: 10) - leads
            let started = Date()
            let status = run.terminate(limit: 30)
            print(
                "  SIGTERM with \(inFlight) model calls in flight: \(status.map { "exit \($0)" } ?? "did not exit") after \(String(format: "%.2f", Date().timeIntervalSince(started))) s (target within 5 s)"
            )
        }

        static func events(_ path: String) -> [[String: Any]] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        }

        static func waitForAsks(_ log: String, count: Int, limit: TimeInterval) -> Int {
            let deadline = Date().addingTimeInterval(limit)
            var asked = 0
            repeat {
                asked = events(log).filter { $0["event"] as? String == "asked" }.count
                if asked >= count { break }
                Thread.sleep(forTimeInterval: 0.02)
            } while Date() < deadline
            return asked
        }

        /// The `.eml` replies by lead number (`To: leadN@example.com`).
        static func replies(_ data: String) -> [Int: String] {
            let folder = data + "/outbox"
            var replies: [Int: String] = [:]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            where name.hasSuffix(".eml") {
                guard let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8),
                    let range = text.range(of: "To: lead"),
                    let n = Int(text[range.upperBound...].prefix { $0.isNumber })
                else { continue }
                replies[n] = text
            }
            return replies
        }

        /// User and system CPU seconds of a process so far, from /proc.
        static func cpuSeconds(_ pid: Int32) -> Double {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return .nan }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the command: state is field 3; utime and stime are fields 14 and 15.
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return .nan }
            return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
    }
}

/// A child process: started, its first line that says `waitFor` kept, stopped with SIGTERM.
private final class Child {
    let process: ChildProcess
    let line: String
    var pid: Int32 { process.processIdentifier }

    private init(process: ChildProcess, line: String) {
        self.process = process
        self.line = line
    }

    static func start(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], waitFor marker: String,
        stderr: Bool = false
    ) throws -> Child {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardInput = .pipe(Pipe())
        if stderr {
            process.standardError = .pipe(pipe)
            process.standardOutput = .nullDevice
        } else {
            process.standardOutput = .pipe(pipe)
            process.standardError = .nullDevice
        }
        try process.run()
        var seen = ""
        // The first whole line that says `marker`.
        func said() -> Substring? {
            seen.split(separator: "\n").dropLast(seen.hasSuffix("\n") ? 0 : 1).first { $0.contains(marker) }
        }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning, said() == nil {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = said() else {
            process.terminate()
            throw ValidationError("\(executable) \(arguments.joined(separator: " ")) did not start: \(seen)")
        }
        // Keep reading, so a chatty child never blocks on a full pipe.
        pipe.fileHandleForReading.readabilityHandler = { handle in
            if handle.availableData.isEmpty { handle.readabilityHandler = nil }
        }
        return Child(process: process, line: String(line))
    }

    /// SIGTERM; waits up to `limit` seconds; the exit status, or nil (then SIGKILL).
    func terminate(limit: TimeInterval) -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(limit)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.005) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    func stop() { _ = terminate(limit: 10) }

    /// Runs to the end; what it printed on stdout.
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = .pipe(pipe)
        process.standardError = .nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs to the end; its exit status.
    static func status(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = .nullDevice
        process.standardError = .nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Numbers handed out once each, across threads.
private final class Counter: @unchecked Sendable {
    // @unchecked: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.withLock {
            value += 1; return value
        }
    }
}

/// Latencies in seconds.
private struct Latencies {
    var samples: [Double] = []
    var failures = 0

    func percentile(_ p: Double) -> Double {
        guard !samples.isEmpty else { return .nan }
        let sorted = samples.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    var summary: String {
        let ms = { (s: Double) in String(format: "%.1f ms", s * 1000) }
        return
            "n=\(samples.count) p50 \(ms(percentile(0.5))) p99 \(ms(percentile(0.99))) max \(ms(samples.max() ?? .nan))"
            + (failures > 0 ? " (\(failures) failed)" : "")
    }
}

/// A request repeated on a thread of its own every `interval` seconds until `end`, each timed (a
/// status outside 2xx/3xx counts as failed).
private final class Paced: @unchecked Sendable {
    // @unchecked: `latencies` is written by the thread only, and read after `done` is signalled.
    private var latencies = Latencies()
    private let done = DispatchGroup()

    init(every interval: TimeInterval, until end: Date, _ request: @escaping @Sendable () -> Int?) {
        done.enter()
        Thread {
            while Date() < end {
                let next = Date().addingTimeInterval(interval)
                let started = DispatchTime.now().uptimeNanoseconds
                let status = request()
                self.latencies.samples.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                if !(200..<400).contains(status ?? 0) { self.latencies.failures += 1 }
                let rest = next.timeIntervalSinceNow
                if rest > 0 { Thread.sleep(forTimeInterval: rest) }
            }
            self.done.leave()
        }.start()
    }

    func wait() { done.wait() }

    var result: Latencies {
        done.wait()
        return latencies
    }

    /// `count` requests at once, one thread each; their latencies.
    static func all(_ count: Int, _ request: @escaping @Sendable (Int) -> Int?) -> Latencies {
        let results = (0..<count).map { n in Paced(once: { request(n) }) }
        var all = Latencies()
        for one in results {
            all.samples += one.result.samples
            all.failures += one.result.failures
        }
        return all
    }

    private init(once request: @escaping @Sendable () -> Int?) {
        done.enter()
        Thread {
            let started = DispatchTime.now().uptimeNanoseconds
            let status = request()
            self.latencies.samples.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            if !(200..<400).contains(status ?? 0) { self.latencies.failures += 1 }
            self.done.leave()
        }.start()
    }
}

/// HTTP/1.1 over a blocking loopback socket, one request per connection, with a timeout on every
/// read and write: nothing between the clock and the socket (and no URLSession, whose libraries
/// would weigh on the other benchmarks' memory figure).
private struct Client: Sendable {
    let port: Int

    /// The status, or nil when there was no answer.
    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: String = "") -> Int? {
        (try? LoopbackHTTP.send(port: port, method, path, headers: headers, body: body))?.status
    }

    func post(_ body: String) -> Int? {
        send(
            "POST", "/v1/events", headers: ["Authorization": "Bearer bench", "Content-Type": "application/json"],
            body: body)
    }

    func signIn(token: String) throws -> String { try LoopbackHTTP.signIn(port: port, token: token) }
}
