import CSpawn
import Foundation
import Glibc

/// A program run as a child process: posix_spawn, then a thread of its own that waits for it.
///
/// Foundation's `Process` on Linux (Swift 6.3) can crash the whole parent while it starts a child:
/// it lists /proc/self/fd copying 256 bytes of each entry's name, past the end of glibc's buffer
/// when an entry sits at the edge of a page (swift-corelibs-foundation#5472). This type starts the
/// child with one "close everything from 3" file action instead, so nothing but the channels asked
/// for reaches the child, and nothing is read that was not written.
///
/// Set the properties, then ``run()`` once. The child starts in a process group of its own (as
/// with `Process`), so a terminal's Ctrl-C reaches only the parent, with no signal blocked or
/// ignored.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: the settings are written before run() and only read after; `state` is behind `condition`.

    /// Where one of the child's standard streams goes.
    public enum Channel: Sendable {
        /// The parent's own stream.
        case inherit
        /// /dev/null.
        case nullDevice
        /// One end of this pipe (the reading end for input, the writing end for output); the
        /// parent's copy of that end is closed once the child has started.
        case pipe(Pipe)
        /// This open file, terminal or socket.
        case file(FileHandle)
    }

    /// How a child ended.
    public enum TerminationReason: Sendable {
        /// It exited; ``terminationStatus`` is its exit code.
        case exit
        /// A signal ended it; ``terminationStatus`` is the signal's number.
        case uncaughtSignal
    }

    /// A child that could not be started.
    public struct Failure: LocalizedError, Sendable, CustomStringConvertible {
        public let description: String
        public var errorDescription: String? { description }
    }

    /// The program to run.
    public var executableURL: URL?
    /// The arguments after the program's own path.
    public var arguments: [String] = []
    /// The child's whole environment; nil passes the parent's.
    public var environment: [String: String]?
    /// The folder the child starts in; nil keeps the parent's.
    public var currentDirectoryURL: URL?
    /// The child's standard input, output and error.
    public var standardInput: Channel = .inherit
    public var standardOutput: Channel = .inherit
    public var standardError: Channel = .inherit
    /// Called once, on the waiting thread, when the child has ended.
    public var terminationHandler: (@Sendable (ChildProcess) -> Void)?

    private let condition = NSCondition()
    private var state = State.notStarted
    private var pid: pid_t = 0

    private enum State {
        case notStarted
        case running
        case ended(status: Int32, reason: TerminationReason)
    }

    public init() {}

    /// The child's process id (0 before ``run()``).
    public var processIdentifier: Int32 { condition.withLock { pid } }

    /// Whether the child has started and not yet been reaped.
    public var isRunning: Bool {
        condition.withLock {
            if case .running = state { return true }
            return false
        }
    }

    /// The exit code, or the number of the signal that ended the child. Only after it has ended.
    public var terminationStatus: Int32 {
        condition.withLock {
            guard case .ended(let status, _) = state else { preconditionFailure("the child process has not ended yet") }
            return status
        }
    }

    /// Whether the child exited or a signal ended it. Only after it has ended.
    public var terminationReason: TerminationReason {
        condition.withLock {
            guard case .ended(_, let reason) = state else { preconditionFailure("the child process has not ended yet") }
            return reason
        }
    }

    /// Blocks the calling thread until the child has ended (never call it on a cooperative thread).
    public func waitUntilExit() {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if case .ended = state { return }
            condition.wait()
        }
    }

    /// Sends SIGTERM, if the child is still running.
    public func terminate() { signal(SIGTERM) }

    /// Sends SIGINT, if the child is still running.
    public func interrupt() { signal(SIGINT) }

    /// Sends `number` to the child if it has not been reaped (its id cannot have been reused).
    public func signal(_ number: Int32) {
        condition.withLock {
            if case .running = state { _ = kill(pid, number) }
        }
    }

    /// Starts the child.
    /// - Throws: ``Failure`` when the program is missing, not executable, or cannot be started.
    public func run() throws {
        let started = try condition.withLock {
            guard case .notStarted = state else { throw Failure(description: "a child process runs only once") }
            pid = try spawn()
            state = .running
            return pid
        }
        closeParentEnds()
        let waiter = Thread { [self] in reap(started) }
        waiter.name = "child \(started)"
        waiter.start()
    }

    private func spawn() throws -> pid_t {
        guard let path = executableURL?.path else { throw Failure(description: "no program to run") }
        var facts = stat()
        guard stat(path, &facts) == 0, facts.st_mode & S_IFMT == S_IFREG, access(path, X_OK) == 0 else {
            throw Failure(description: "cannot run \(path): \(String(cString: strerror(errno == 0 ? EACCES : errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group; no signal blocked and every one at its default, whatever the
        // starting thread blocks or the parent ignores (a blocked SIGTERM would make terminate() moot).
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)

        let nullDevice = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { if nullDevice >= 0 { close(nullDevice) } }
        for (target, channel) in [(STDIN_FILENO, standardInput), (STDOUT_FILENO, standardOutput), (STDERR_FILENO, standardError)] {
            let source: Int32? =
                switch channel {
                case .inherit: nil
                case .nullDevice: nullDevice
                case .pipe(let pipe):
                    target == STDIN_FILENO ? pipe.fileHandleForReading.fileDescriptor : pipe.fileHandleForWriting.fileDescriptor
                case .file(let handle): handle.fileDescriptor == target ? nil : handle.fileDescriptor
                }
            if let source { try check(posix_spawn_file_actions_adddup2(&actions, source, target), path) }
        }
        try check(baton_spawn_add_close_from(&actions, 3), path)
        if let folder = currentDirectoryURL?.path { try check(baton_spawn_add_chdir(&actions, folder), path) }

        let argv = CStrings([path] + arguments)
        let envp = CStrings((environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" })
        defer {
            argv.free()
            envp.free()
        }
        var pid: pid_t = 0
        try check(posix_spawn(&pid, path, &actions, &attributes, argv.pointers, envp.pointers), path)
        return pid
    }

    private func check(_ result: Int32, _ path: String) throws {
        guard result != 0 else { return }
        throw Failure(description: "cannot run \(path): \(String(cString: strerror(result)))")
    }

    /// The parent's copies of the pipe ends the child now holds (each once, when one pipe takes
    /// both output and error), so that the child's end of file is its own.
    private func closeParentEnds() {
        var closed: [FileHandle] = []
        for (channel, isInput) in [(standardInput, true), (standardOutput, false), (standardError, false)] {
            guard case .pipe(let pipe) = channel else { continue }
            let end = isInput ? pipe.fileHandleForReading : pipe.fileHandleForWriting
            guard !closed.contains(where: { $0 === end }) else { continue }
            closed.append(end)
            try? end.close()
        }
    }

    /// Waits (on its own thread) for the child to end, then reaps it under the lock, so that
    /// ``signal(_:)`` never reaches a process that reused its id.
    private func reap(_ pid: pid_t) {
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1, errno == EINTR {}
        let handler: (@Sendable (ChildProcess) -> Void)? = condition.withLock {
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1, errno == EINTR {}
            let signalled = raw & 0x7f
            state =
                signalled == 0
                ? .ended(status: (raw >> 8) & 0xff, reason: .exit) : .ended(status: signalled, reason: .uncaughtSignal)
            condition.broadcast()
            defer { terminationHandler = nil }
            return terminationHandler
        }
        handler?(self)
    }
}

/// A NULL-terminated array of C strings, for argv and envp.
private struct CStrings {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: count + 1)
        for (index, string) in strings.enumerated() { pointers[index] = strdup(string) }
        pointers[count] = nil
    }

    func free() {
        for index in 0..<count { Glibc.free(pointers[index]) }
        pointers.deallocate()
    }
}
