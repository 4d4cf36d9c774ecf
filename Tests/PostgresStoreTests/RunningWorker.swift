import BatonTestSupport
import Foundation
import Glibc
import Spawning
import Synchronization

/// A real `baton run BLUEPRINT --listen 127.0.0.1:0 --store URL --tenant NAME` worker, in a data
/// folder of its own: started, its port once it says it listens, its log, and its end (SIGTERM or
/// SIGKILL). Its log is read as it comes, so a chatty worker never fills the pipe.
final class RunningWorker: @unchecked Sendable {
    /// The worker did not say it listens in time.
    struct NotListening: Error, CustomStringConvertible {
        let description: String
    }

    /// What the worker writes to its standard error, as it comes.
    final class Log: Sendable {
        let text = Mutex("")
    }

    let process: ChildProcess
    let port: Int
    private let logged: Log

    private init(process: ChildProcess, port: Int, logged: Log) {
        self.process = process
        self.port = port
        self.logged = logged
    }

    /// What the worker wrote to its standard error so far.
    var log: String { logged.text.withLock { $0 } }

    /// Starts a worker and waits (up to `within`) for its intake to listen.
    static func start(
        blueprint: String, url: String, tenant: String, data: String, environment: [String: String] = [:],
        extra: [String] = [], within: Duration = .seconds(120)
    ) async throws -> RunningWorker {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: BatonBinary.path)
        process.arguments =
            ["run", blueprint, "--listen", "127.0.0.1:0", "--store", url, "--tenant", tenant, "--data-dir", data]
            + extra
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        let logged = Log()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            logged.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        process.standardError = .pipe(pipe)
        process.standardOutput = .nullDevice
        process.standardInput = .nullDevice
        try process.run()
        if let port = try await BatonBinary.listeningPort(
            of: process, log: { logged.text.withLock { $0 } }, within: within)
        {
            return RunningWorker(process: process, port: port, logged: logged)
        }
        kill(process.processIdentifier, SIGKILL)
        throw NotListening(description: "the worker did not listen: \(logged.text.withLock { $0 })")
    }

    /// Sends `signal` and waits for the process to end (on a thread of its own).
    func stop(_ signal: Int32 = SIGTERM) async throws {
        kill(process.processIdentifier, signal)
        try await onThread { [process] in process.waitUntilExit() }
    }

    /// One request to this worker (on a thread of its own).
    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: String = "") async throws
        -> LoopbackHTTP.Response
    {
        try await onThread { [port] in
            try LoopbackHTTP.send(port: port, method, path, headers: headers, body: body, timeout: PeerTimeout.seconds)
        }
    }
}
