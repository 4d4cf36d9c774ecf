import Foundation
import Spawning

/// Finds and runs the real `baton` executable built next to the test bundle.
public enum BatonBinary {
    /// `$BATON_BIN`, else `baton` in the build folder that holds the running test binary.
    public static var path: String {
        if let override = ProcessInfo.processInfo.environment["BATON_BIN"] { return override }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("baton").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/baton").path
    }

    /// The package's root folder (where Package.swift is).
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The bundled pack's folder.
    public static var bundledPack: String {
        packageRoot.appendingPathComponent("questionnaires/smb-ai-readiness").path
    }

    /// The port a `baton run --listen 127.0.0.1:0` (`process`) reports once its log (`log()`) says
    /// it listens; nil when the process ends first or `limit` passes (generous by default: a debug
    /// build starting beside the whole suite on two cores can take a minute). The log is read once
    /// more after the limit: a test task can wait minutes for a thread in the suite's first minutes.
    public static func listeningPort(
        of process: ChildProcess, log: () -> String, within limit: Duration = .seconds(120)
    ) async throws -> Int? {
        let deadline = ContinuousClock.now + limit
        while true {
            let text = log()
            if let range = text.range(of: "listening on http://127.0.0.1:"),
                let port = Int(text[range.upperBound...].prefix { $0.isNumber })
            {
                return port
            }
            guard process.isRunning, ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// A fresh, empty folder for a test's workspace.
    public static func temporaryFolder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("baton-test-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A process for `executable` with this test's environment plus `environment`.
    static func process(_ executable: String, _ arguments: [String], environment: [String: String]) -> ChildProcess {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        return process
    }

    /// What a finished run printed and how it exited.
    public struct RunResult: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `baton` (or `executable`) with `arguments`, feeding `stdin` through a pipe (so it is not a
    /// terminal), and waits for it on a thread of its own: a test waiting for a child never holds one of
    /// the two cooperative threads every other test of the run needs.
    public static func run(
        _ arguments: [String], stdin: String = "", environment: [String: String] = [:], in directory: String? = nil,
        executable: String? = nil
    ) async throws -> RunResult {
        try await onThread {
            try runBlocking(arguments, stdin: stdin, environment: environment, in: directory, executable: executable)
        }
    }

    /// ``run(_:stdin:environment:in:executable:)`` waited for on the calling thread: only for code
    /// already on a thread of its own.
    public static func runBlocking(
        _ arguments: [String], stdin: String = "", environment: [String: String] = [:], in directory: String? = nil,
        executable: String? = nil
    ) throws -> RunResult {
        let process = Self.process(
            executable ?? path, arguments, environment: ["NO_COLOR": "1"].merging(environment) { $1 })
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? packageRoot.path)
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = .pipe(input)
        process.standardOutput = .pipe(output)
        process.standardError = .pipe(error)
        try process.run()
        let stdoutData = DataCollector(output.fileHandleForReading)
        let stderrData = DataCollector(error.fileHandleForReading)
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: stdoutData.finish(), stderr: stderrData.finish())
    }
}

/// Reads a pipe to its end on a background thread, so a chatty child never blocks on a full pipe.
private final class DataCollector: @unchecked Sendable {
    // @unchecked: `data` is written by the thread and read only after `done` is signalled.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread {
            self.data = handle.readDataToEndOfFile()
            self.done.signal()
        }.start()
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
