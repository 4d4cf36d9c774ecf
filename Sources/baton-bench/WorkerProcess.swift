import Foundation
import Spawning

/// A `baton-bench orchestrator-worker` process, as the PostgreSQL run drives it: started, awaited
/// until it says `ready`, told `go`, and stopped by closing its input (it commits the cases in hand
/// and says its peak memory). Its errors go to this process's standard error.
final class WorkerProcess: Sendable {
    private let process: ChildProcess
    private let input: FileHandle
    private let lines: AsyncStream<String>

    /// Starts the worker with `arguments` (after `orchestrator-worker`).
    init(arguments: [String]) throws {
        process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["orchestrator-worker"] + arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = .pipe(input)
        process.standardOutput = .pipe(output)
        try process.run()
        self.input = input.fileHandleForWriting
        let (process, reading) = (process, output.fileHandleForReading)
        // Its output, line by line, read on a thread of its own; then how it exited.
        lines = AsyncStream { lines in
            Thread {
                var pending = Data()
                while case let chunk = reading.availableData, !chunk.isEmpty {
                    pending.append(chunk)
                    while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        lines.yield(String(decoding: pending[pending.startIndex..<end], as: UTF8.self))
                        pending = Data(pending[(end + 1)...])
                    }
                }
                process.waitUntilExit()
                lines.yield("exit \(process.terminationStatus)")
                lines.finish()
            }.start()
        }
    }

    /// Waits until the worker says `ready`.
    ///
    /// - Throws: ``WorkerProcessError`` when it says anything else or ends first.
    func ready() async throws {
        var lines = lines.makeAsyncIterator()
        let line = await lines.next()
        guard line == "ready" else { throw WorkerProcessError(said: line) }
    }

    /// Tells the worker to start.
    func go() throws { try input.write(contentsOf: Data("go\n".utf8)) }

    /// Stops the worker (its input closed) and waits for it to end; its peak memory in KiB.
    ///
    /// - Throws: ``WorkerProcessError`` when it ends without saying its peak memory, or fails.
    func stop() async throws -> Int {
        try? input.close()
        var peak: Int?
        for await line in lines {
            if line.hasPrefix("rss "), let kib = Int(line.dropFirst(4)) {
                peak = kib
            } else if line.hasPrefix("exit ") {
                guard line == "exit 0", let peak else { throw WorkerProcessError(said: line) }
                return peak
            }
        }
        throw WorkerProcessError(said: nil)
    }

    /// Ends the worker at once (after a failure elsewhere).
    func kill() {
        if process.isRunning { process.terminate() }
    }
}

/// A worker process did not do what the run expects.
struct WorkerProcessError: Error, CustomStringConvertible {
    let description: String

    init(said line: String?) {
        description =
            switch line {
            case nil: "a worker process ended without a word (its error, if any, is above)"
            case let line? where line.hasPrefix("exit "):
                "a worker process ended with status \(line.dropFirst(5)) (its error is above)"
            case let line?: "a worker process said '\(line.prefix(200))' where the run expected another word"
            }
    }
}
