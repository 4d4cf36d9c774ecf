import BatonTestSupport
import Foundation
import GRDB
import Spawning
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `baton run` on a disk that fills up, for real: a 4 MiB tmpfs mounted for the test (it needs
/// root; elsewhere the test is skipped and says so). It starts on the full disk, stays up, answers
/// the intake 503 with `Retry-After`, says the cause once, and once space is freed the waiting
/// work completes and nothing is lost.
@Suite(.serialized)
struct FullDiskRunTests {
    /// A small filesystem of its own, mounted for the test and unmounted after.
    final class SmallDisk {
        let path: String
        var filler: String { path + "/filler" }

        init?() {
            path = BatonBinary.temporaryFolder()
            guard getuid() == 0, Self.shell("mount -t tmpfs -o size=4m tmpfs \(path)") == 0 else {
                try? FileManager.default.removeItem(atPath: path)
                return nil
            }
        }

        deinit {
            _ = Self.shell("umount \(path)")
            try? FileManager.default.removeItem(atPath: path)
        }

        /// Writes zeros until the disk refuses another byte.
        func fill() {
            _ = FileManager.default.createFile(atPath: filler, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: filler) else { return }
            let chunk = Data(count: 64 * 1024)
            while (try? handle.write(contentsOf: chunk)) != nil {}
            let byte = Data(count: 1)
            while (try? handle.write(contentsOf: byte)) != nil {}
            try? handle.close()
        }

        func free() { try? FileManager.default.removeItem(atPath: filler) }

        var isFull: Bool {
            var stats = statvfs()
            return statvfs(path, &stats) == 0 && stats.f_bavail == 0
        }

        @discardableResult
        static func shell(_ command: String) -> Int32 {
            let process = ChildProcess()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command + " 2>/dev/null"]
            guard (try? process.run()) != nil else { return -1 }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    static let canMount: Bool = SmallDisk() != nil

    static let blueprint = BatonBinary.packageRoot.appendingPathComponent(
        "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"
    ).path

    /// `baton run --listen`, its port, and its log as it grows.
    struct Running {
        let process: ChildProcess
        let port: Int
        let log: @Sendable () -> String
    }

    struct NotListening: Error { let log: String }

    static func start(_ data: String) async throws -> Running {
        let runner = ChildProcess()
        runner.executableURL = URL(fileURLWithPath: BatonBinary.path)
        runner.arguments = ["run", blueprint, "--listen", "127.0.0.1:0", "--data-dir", data]
        runner.environment = ProcessInfo.processInfo.environment.merging(["BATON_INTAKE_TOKEN": "full"]) { $1 }
        let pipe = Pipe()
        let text = Mutex("")
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        runner.standardError = .pipe(pipe)
        runner.standardOutput = .nullDevice
        try runner.run()
        let log: @Sendable () -> String = { text.withLock { $0 } }
        if let port = try await BatonBinary.listeningPort(of: runner, log: log) {
            return Running(process: runner, port: port, log: log)
        }
        if runner.isRunning { runner.terminate() }
        throw NotListening(log: log())
    }

    static func post(_ port: Int, _ n: Int) async throws -> (status: Int, retryAfter: String?) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/events")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 30
        request.setValue("Bearer full", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(
            #"{"type": "lead.received", "payload": {"name": "Lead \#(n)", "email": "posted\#(n)@example.com"}}"#.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "Retry-After"))
    }

    /// Each event's status, read without writing (the disk may be full).
    static func statuses(_ data: String) throws -> [String: String] {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: data + "/runtime.sqlite", configuration: configuration).read { db in
            var found: [String: String] = [:]
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT json_extract(payload_json, '$.email') AS email, status FROM event WHERE producer IN ('cli', 'intake')"
            ) {
                found[row["email"]] = row["status"]
            }
            return found
        }
    }

    static func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    @Test(.enabled(if: FullDiskRunTests.canMount, "needs root to mount a small tmpfs"))
    func aFullDiskIsWaitedOutAndNothingIsLost() async throws {
        let disk = try #require(SmallDisk())
        let data = disk.path + "/data"
        // A first run with room keeps its copy of the blueprint; then three leads wait in the store.
        let first = try await BatonBinary.run(["run", Self.blueprint, "--once", "--data-dir", data])
        #expect(first.status == 0, "\(first.stderr)")
        let copy = try String(contentsOfFile: data + "/blueprint.yaml", encoding: .utf8)
        for n in 1...3 {
            let sent = try await BatonBinary.run([
                "event", "send", "lead.received", "--data-dir", data, "--payload",
                #"{"name": "Lead \#(n)", "email": "waiting\#(n)@example.com"}"#,
            ])
            #expect(sent.status == 0, "\(sent.stderr)")
        }
        disk.fill()
        #expect(disk.isFull)

        // It starts on the full disk, and stays up; the blueprint is the same, so nothing is rewritten.
        let runStarted = ContinuousClock.now
        let run = try await Self.start(data)
        defer { if run.process.isRunning { run.process.terminate() } }
        try await Task.sleep(for: .seconds(3))
        #expect(run.process.isRunning, "\(run.log())")
        #expect(!run.log().contains("could not keep a copy of the blueprint"), "\(run.log())")
        let refused = try await Self.post(run.port, 1)
        #expect(refused.status == 503, "\(run.log())")
        #expect(refused.retryAfter == "30")
        try await Task.sleep(for: .seconds(2))
        #expect(run.process.isRunning)
        // Each cause is said once, then at most once a minute, not on every retry (the loops retry
        // every second or faster): per cause, no more lines than the minutes the run has lasted, plus one.
        let lines = run.log().split(separator: "\n").map { $0.drop { $0 != " " }.dropFirst() }
        let failures = lines.filter { $0.contains("disk is full") || $0.contains("could not") }
        let minutes = Int((ContinuousClock.now - runStarted).components.seconds / 60)
        let byCause = Dictionary(grouping: failures) { $0.components(separatedBy: " (and ").first ?? String($0) }
        #expect(!failures.isEmpty)
        for (cause, said) in byCause { #expect(said.count <= minutes + 1, "\(cause): \(said.count) lines") }
        #expect(try Self.statuses(data).values.allSatisfy { $0 == "pending" })

        // Space freed: the waiting leads run, the refused one is sent again, nothing is lost.
        disk.free()
        #expect(
            try await Self.waitUntil(120) { try Self.statuses(data).values.allSatisfy { $0 == "done" } }, "\(run.log())"
        )
        #expect(try await Self.post(run.port, 1).status == 202)
        #expect(
            try await Self.waitUntil(120) {
                let statuses = try Self.statuses(data)
                return statuses.count == 4 && statuses.values.allSatisfy { $0 == "done" }
            }, "\((try? Self.statuses(data)) ?? [:])")
        #expect(
            try Self.statuses(data).keys.sorted() == [
                "posted1@example.com", "waiting1@example.com", "waiting2@example.com", "waiting3@example.com",
            ])
        #expect(run.log().contains("works again"), "\(run.log())")
        run.process.terminate()
        run.process.waitUntilExit()
        #expect(run.process.terminationStatus == 0, "\(run.log())")

        // Stopped cleanly, and started again on a full disk.
        disk.fill()
        let again = try await Self.start(data)
        defer { if again.process.isRunning { again.process.terminate() } }
        try await Task.sleep(for: .seconds(2))
        #expect(again.process.isRunning, "\(again.log())")
        #expect(!again.log().contains("could not keep a copy of the blueprint"), "\(again.log())")
        #expect(try String(contentsOfFile: data + "/blueprint.yaml", encoding: .utf8) == copy)
        again.process.terminate()
        again.process.waitUntilExit()
        #expect(again.process.terminationStatus == 0, "\(again.log())")
    }
}
