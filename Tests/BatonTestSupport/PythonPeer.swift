import Foundation
import Spawning

/// A test peer (a small Python server: aiosmtpd, a webhook receiver…) on loopback: `Peers/SCRIPT`
/// beside the calling test's file, or a path from the package root; it prints `PORT <n>` when ready
/// and stops on SIGTERM (or when the test is gone).
public final class PythonPeer: Sendable {
    public let port: Int
    private let process: ChildProcess

    public struct NotStarted: Error, CustomStringConvertible { public let description: String }

    /// Starts the script and waits (up to 20 s) for its port.
    ///
    /// - Parameter caller: the calling test's file, whose folder's `Peers/` holds a bare script name.
    public init(_ script: String, _ arguments: [String], caller: String = #filePath) throws {
        let path =
            script.contains("/")
            ? BatonBinary.packageRoot.appendingPathComponent(script).path
            : URL(fileURLWithPath: caller).deletingLastPathComponent().appendingPathComponent("Peers/\(script)").path
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path] + arguments
        let output = Pipe()
        // stdin stays open for the peer's life (a closed stdin is no signal to these scripts).
        process.standardInput = .pipe(Pipe())
        process.standardOutput = .pipe(output)
        process.standardError = .nullDevice
        try process.run()
        let seen = Self.firstLine(of: output, from: process)
        guard let line = seen.split(separator: "\n").first, line.hasPrefix("PORT "), let port = Int(line.dropFirst(5))
        else {
            process.terminate()
            throw NotStarted(description: "\(script) did not start (is its Python package installed?): \(seen)")
        }
        self.port = port
        self.process = process
    }

    /// ``init(_:_:caller:)`` waited for on a thread of its own: a peer starting (Python importing its
    /// packages) never holds one of the cooperative threads every other test of the run needs.
    public static func start(_ script: String, _ arguments: [String], caller: String = #filePath) async throws
        -> PythonPeer
    {
        try await onThread { try PythonPeer(script, arguments, caller: caller) }
    }

    /// What a peer script printed up to its first line break (its `PORT <n>`): read for up to 20 s,
    /// or until `process` ends or closes its output.
    public static func firstLine(of output: Pipe, from process: ChildProcess) -> String {
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while !seen.contains("\n") && Date() < deadline && process.isRunning {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        return seen
    }

    /// SIGTERM, and waits for it to exit.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { stop() }
}
