import BatonTestSupport
import Foundation
import Spawning

/// A throwaway PostgreSQL server for the tests: `initdb` in a temporary folder, `postgres` on a
/// free loopback port with trust authentication on loopback only; started once per test process
/// and stopped (its folder removed) when the process exits. As root it runs as the `postgres` user
/// (`initdb` refuses root) through `runuser`. No mock: the real server.
///
/// `postgres` runs in the foreground as this process's child, not daemonised by `pg_ctl start`: a
/// daemon would inherit the socket Foundation watches to learn that a child ended, and the wait
/// for `pg_ctl` would never return.
enum TestServer {
    /// The URL of the server's `postgres` database, or why it could not start.
    private static let url: Result<String, any Error> = Result { try start() }

    /// The URL of the server's `postgres` database, starting it on first use. The start (initdb,
    /// then waiting for connections: seconds of blocking calls) runs on a thread of its own, so no
    /// thread of the cooperative pool — two on this machine, shared by every suite's timers — waits.
    static func address() async throws -> String {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<String, any Error>) in
            Thread { done.resume(with: url) }.start()
        }
    }

    nonisolated(unsafe) private static var running: (server: ChildProcess, data: String, folder: String, asRoot: Bool)?

    private static func start() throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent(
                "baton-pg-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(6))")
        let data = folder.appendingPathComponent("data").path
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw TestServerError("cannot make \(folder.path): \(error)")
        }
        let asRoot = getuid() == 0
        // The server's files belong to `postgres`, which must reach them through the folder.
        if asRoot { try run("chown", ["-R", "postgres:postgres", folder.path]) }
        try run(
            "initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"],
            asPostgres: asRoot)
        let port = LoopbackPort.free()
        let server = ChildProcess()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let command = [
            program("postgres"), "-D", data, "-h", "127.0.0.1", "-p", "\(port)", "-k", folder.path, "-c", "fsync=off",
            "-c",
            "full_page_writes=off", "-c", "synchronous_commit=off", "-c", "max_connections=300",
        ]
        server.arguments = asRoot ? ["runuser", "-u", "postgres", "--"] + command : command
        server.standardInput = .nullDevice
        server.standardOutput = .nullDevice
        server.standardError = .nullDevice
        do {
            try server.run()
        } catch {
            throw TestServerError("cannot run postgres: \(error)")
        }
        running = (server, data, folder.path, asRoot)
        atexit { TestServer.stop() }
        let deadline = Date().addingTimeInterval(180)  // it starts in the suite's busiest minutes
        while (try? run("pg_isready", ["-q", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres"])) == nil {
            guard server.isRunning, Date() < deadline else {
                throw TestServerError("postgres did not accept connections within 180 s on port \(port)")
            }
            usleep(100_000)
        }
        return "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable"
    }

    /// Stops the server at once (nothing of it is kept) and removes its folder.
    private static func stop() {
        guard let (server, data, folder, asRoot) = running else { return }
        _ = try? run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], asPostgres: asRoot)
        if server.isRunning { server.terminate() }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Where the server's programs are: on the PATH, else in Debian's `postgresql-15` folder
    /// (`/usr/lib/postgresql/15/bin`, not on the PATH by default).
    private static func program(_ name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/lib/postgresql/15/bin"]
        where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        return name
    }

    /// Runs a short-lived program of the server (as `postgres` when asked); throws with its output
    /// when it fails.
    private static func run(_ tool: String, _ arguments: [String], asPostgres: Bool = false) throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let tool = tool == "chown" ? tool : program(tool)
        process.arguments = asPostgres ? ["runuser", "-u", "postgres", "--", tool] + arguments : [tool] + arguments
        let output = Pipe()
        process.standardOutput = .pipe(output)
        process.standardError = .pipe(output)
        process.standardInput = .nullDevice
        do {
            try process.run()
        } catch {
            throw TestServerError("cannot run \(tool): \(error)")
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError("\(tool) failed (\(process.terminationStatus)): \(text.suffix(2000))")
        }
    }
}

/// Why the test server could not start.
struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
