import BatonTestSupport
import Foundation

/// A real server from PyPI (aiosmtpd, Radicale…) started by a test on loopback, through a small
/// Python script in `Peers/` that prints `PORT <n>` when it is ready and stops on SIGTERM (or when
/// the test process is gone).
final class LoopbackPeer {
    let port: Int
    private let process: Process
    private let input: Pipe

    /// Starts `Peers/SCRIPT` with `arguments` and waits (up to 20 s) for its port.
    init(_ script: String, _ arguments: [String]) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers/\(script)")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path.path] + arguments
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while !seen.contains("\n") && Date() < deadline && process.isRunning {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = seen.split(separator: "\n").first, line.hasPrefix("PORT "), let port = Int(line.dropFirst(5))
        else {
            process.terminate()
            throw PeerError(description: "\(script) did not start (is its Python package installed?): \(seen)")
        }
        self.port = port
    }

    /// Stops the server (SIGTERM; the script stops what it started) and waits for it to exit.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        try? input.fileHandleForWriting.close()
    }

    deinit { stop() }

    struct PeerError: Error, CustomStringConvertible {
        let description: String
    }

    /// A loopback port nothing listens on (bound, then released).
    static func freePort() -> Int { LoopbackPort.free() }
}

/// A fresh folder under the temporary directory, removed by the caller.
func temporaryFolder(_ prefix: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
