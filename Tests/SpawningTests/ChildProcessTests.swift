import BatonTestSupport
import Foundation
import Glibc
import Spawning
import Synchronization
import Testing

/// `ChildProcess` runs real programs (/bin/sh, cat, ls, printf, sleep): what they print, read and
/// exit with, the environment and folder they start in, the descriptors they do not inherit, being
/// stopped by a signal, and many starting at once from several threads while the parent holds
/// hundreds of descriptors (how Foundation's Process crashed a test run).
@Suite("ChildProcess")
struct ChildProcessTests {
    /// Runs `executable ARGUMENTS` to its end on a thread of its own: (status, stdout, stderr).
    static func run(
        _ executable: String, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil,
        in folder: String? = nil
    ) async throws -> (status: Int32, output: String, errors: String) {
        try await onThread {
            let child = ChildProcess()
            child.executableURL = URL(fileURLWithPath: executable)
            child.arguments = arguments
            child.environment = environment
            child.currentDirectoryURL = folder.map { URL(fileURLWithPath: $0) }
            let output = Pipe(), errors = Pipe(), feed = Pipe()
            child.standardOutput = .pipe(output)
            child.standardError = .pipe(errors)
            child.standardInput = input == nil ? .nullDevice : .pipe(feed)
            try child.run()
            if let input {
                Thread {
                    feed.fileHandleForWriting.write(input)
                    try? feed.fileHandleForWriting.close()
                }.start()
            }
            let printed = output.fileHandleForReading.readDataToEndOfFile()
            let complained = errors.fileHandleForReading.readDataToEndOfFile()
            child.waitUntilExit()
            return (
                child.terminationStatus, String(decoding: printed, as: UTF8.self),
                String(decoding: complained, as: UTF8.self)
            )
        }
    }

    @Test func itsOutputErrorsAndExitCodeComeBack() async throws {
        let ran = try await Self.run("/bin/sh", ["-c", "echo hello; echo oops >&2; exit 3"])
        #expect(ran.status == 3)
        #expect(ran.output == "hello\n")
        #expect(ran.errors == "oops\n")
    }

    /// One pipe for both output and error: both arrive, and its writing end is closed once.
    @Test func onePipeTakesOutputAndErrors() async throws {
        let printed: String = try await onThread {
            let child = ChildProcess()
            child.executableURL = URL(fileURLWithPath: "/bin/sh")
            child.arguments = ["-c", "echo out; echo err >&2"]
            let both = Pipe()
            child.standardOutput = .pipe(both)
            child.standardError = .pipe(both)
            try child.run()
            let data = both.fileHandleForReading.readDataToEndOfFile()
            child.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(printed == "out\nerr\n")
    }

    @Test func itReadsWhatIsWrittenToItsInputToTheEnd() async throws {
        let text = String(repeating: "a line of input, a little long so the pipe fills up\n", count: 4_000)
        let ran = try await Self.run("/bin/cat", [], input: Data(text.utf8))
        #expect(ran.status == 0)
        #expect(ran.output == text)
    }

    @Test func itStartsInTheFolderAndEnvironmentGiven() async throws {
        let folder = BatonBinary.temporaryFolder()
        let ran = try await Self.run(
            "/bin/sh", ["-c", "echo \"$GREETING\"; pwd; echo \"${HOME:-unset}\""],
            environment: ["GREETING": "hi there"],
            in: folder)
        #expect(ran.output == "hi there\n\(URL(fileURLWithPath: folder).resolvingSymlinksInPath().path)\nunset\n")
    }

    /// The parent holds pipes and files open without close-on-exec; the child sees only 0, 1, 2
    /// (and the folder ls itself opened).
    @Test func itInheritsNoDescriptorButItsThree() async throws {
        let pipes = (0..<40).map { _ in Pipe() }
        let files = try (0..<20).map { _ in try #require(FileHandle(forReadingAtPath: "/etc/hostname")) }
        defer { for file in files { try? file.close() } }
        let open = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        #expect(open > 100)
        let ran = try await Self.run("/bin/ls", ["-1", "/proc/self/fd"])
        let seen = Set(ran.output.split(separator: "\n").compactMap { Int($0) })
        #expect(seen.isSubset(of: [0, 1, 2, 3]), "the child saw descriptors \(seen.sorted())")
        #expect(seen.isSuperset(of: [0, 1, 2]))
        withExtendedLifetime(pipes) {}
    }

    @Test func aSignalEndsItAndTheHandlerHearsOnce() async throws {
        let heard = Tally()
        let status: Int32 = try await onThread {
            let child = ChildProcess()
            child.executableURL = URL(fileURLWithPath: "/bin/sleep")
            child.arguments = ["30"]
            child.standardInput = .nullDevice
            child.terminationHandler = { _ in heard.count.withLock { $0 += 1 } }
            try child.run()
            #expect(child.isRunning && child.processIdentifier > 0)
            child.terminate()
            child.waitUntilExit()
            #expect(!child.isRunning)
            child.terminate()  // reaped: a no-op, never a signal to a process that took its id
            return child.terminationStatus
        }
        #expect(status == SIGTERM)
        // The handler runs on the waiting thread, just after the waiters are woken.
        for _ in 0..<6000 where heard.count.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(heard.count.withLock { $0 } == 1)
    }

    @Test func aMissingOrNotExecutableProgramIsAnErrorNamingIt() throws {
        let missing = ChildProcess()
        missing.executableURL = URL(fileURLWithPath: "/no/such/program")
        #expect {
            try missing.run()
        } throws: { error in
            "\(error)".contains("/no/such/program") && "\(error)".contains("No such file")
        }
        #expect(!missing.isRunning)
        let text = BatonBinary.temporaryFolder() + "/notes.txt"
        try "not a program\n".write(toFile: text, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: text)
        let notExecutable = ChildProcess()
        notExecutable.executableURL = URL(fileURLWithPath: text)
        #expect {
            try notExecutable.run()
        } throws: { error in
            // What a command shows (`error.localizedDescription`) names the program and why.
            error.localizedDescription == "cannot run \(text): Permission denied"
        }
        let folder = ChildProcess()
        folder.executableURL = URL(fileURLWithPath: "/tmp")
        #expect(throws: ChildProcess.Failure.self) { try folder.run() }
    }

    @Test func itRunsOnlyOnce() async throws {
        try await onThread {
            let child = ChildProcess()
            child.executableURL = URL(fileURLWithPath: "/bin/true")
            try child.run()
            child.waitUntilExit()
            #expect(child.terminationStatus == 0)
            #expect(throws: ChildProcess.Failure.self) { try child.run() }
        }
    }

    /// 300 generated argument lists (spaces, quotes, shell words, newlines, non-ASCII, empty
    /// strings) reach the child byte for byte: printf prints each back NUL-terminated.
    @Test func generatedArgumentsReachTheChildExactly() async throws {
        var random = SplitMix(seed: 12)
        let pieces = [
            "", " ", "'", "\"", "$HOME", "`id`", "\\", "\n", "*", "é", "日本", "--flag", "-", ";", "a b", "%s",
            "\u{1b}[31m",
        ]
        for _ in 0..<300 {
            let arguments = (0..<Int.random(in: 0...6, using: &random)).map { _ in
                (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            }
            let ran = try await Self.run("/usr/bin/printf", arguments.isEmpty ? [""] : ["%s\\0"] + arguments)
            let back = ran.output.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
            #expect(ran.status == 0)
            #expect(back == arguments, "\(arguments)")
        }
    }

    /// 400 children started from 8 threads at once while the parent holds 300 more descriptors:
    /// every one exits 0 with its own output (and its output's end of file comes, so no other
    /// child kept a copy of its pipe).
    @Test func manyChildrenStartAtOnceFromSeveralThreads() async throws {
        let held = (0..<150).map { _ in Pipe() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for thread in 0..<8 {
                group.addTask {
                    for index in 0..<50 {
                        let ran = try await Self.run("/bin/sh", ["-c", "echo \(thread)-\(index)"])
                        #expect(ran.status == 0 && ran.output == "\(thread)-\(index)\n")
                    }
                }
            }
            try await group.waitForAll()
        }
        withExtendedLifetime(held) {}
    }
}

/// How many times a termination handler ran.
private final class Tally: Sendable {
    let count = Mutex(0)
}
