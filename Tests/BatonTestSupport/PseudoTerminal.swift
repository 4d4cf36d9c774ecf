import Foundation
import Spawning

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a program on a pseudo-terminal, as a person at a terminal would: it sees a TTY on stdin,
/// stdout and stderr, and the test types keys and reads the screen's bytes.
public final class PseudoTerminal: @unchecked Sendable {
    // @unchecked: every field is set once in init; the output lives in a locked box.
    private let master: Int32
    private let process: ChildProcess
    private let reader: Thread
    private let box: OutputBox

    /// Starts `executable` with `arguments` on a new terminal of `columns`×`rows`.
    public init(
        executable: String, arguments: [String], environment: [String: String] = [:], columns: UInt16 = 100,
        rows: UInt16 = 40
    ) throws {
        // Glibc's module does not export posix_openpt/ptsname, so open the multiplexer and use the
        // Linux ioctls behind them: TIOCSPTLCK (unlock) and TIOCGPTN (the pts number).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            throw PseudoTerminalError("cannot open a pseudo-terminal")
        }
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slavePath = "/dev/pts/\(number)"
        guard let slave = FileHandle(forUpdatingAtPath: slavePath) else {
            throw PseudoTerminalError("cannot open \(slavePath)")
        }
        process = BatonBinary.process(
            executable, arguments, environment: ["TERM": "xterm-256color"].merging(environment) { $1 })
        process.standardInput = .file(slave)
        process.standardOutput = .file(slave)
        process.standardError = .file(slave)
        let masterFD = master
        let box = OutputBox()
        reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(masterFD, &buffer, buffer.count)
                if n <= 0 { break }
                box.append(Data(buffer[0..<n]))
            }
        }
        self.box = box
        try process.run()
        try slave.close()
        reader.start()
    }

    /// Everything the program has written so far, with escape sequences removed.
    public var screenText: String {
        box.text
    }

    /// Types text (or control bytes) into the terminal.
    public func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Special keys as their terminal byte sequences.
    public enum KeyCode: String {
        case enter = "\r", up = "\u{1B}[A", down = "\u{1B}[B", left = "\u{1B}[D", right = "\u{1B}[C"
        case backTab = "\u{1B}[Z", space = " ", ctrlC = "\u{03}", backspace = "\u{7F}"
    }

    public func press(_ key: KeyCode, times: Int = 1) {
        for _ in 0..<times { type(key.rawValue) }
    }

    /// Waits until the output since the last call to ``clear()`` contains `text`.
    /// - Throws: when `timeout` passes first, with the output seen so far.
    @discardableResult
    public func waitFor(_ text: String, timeout: TimeInterval = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let screen = screenText
            if screen.contains(text) { return screen }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let state = process.isRunning ? "still running" : "exited with \(process.terminationStatus)"
        throw PseudoTerminalError(
            "timed out waiting for \"\(text)\" (the program \(state)); the screen shows:\n\(String(screenText.suffix(1500)))"
        )
    }

    /// Forgets the output so far, so that the next ``waitFor(_:timeout:)`` sees only new output.
    public func clear() {
        box.clear()
    }

    /// Waits for the program to end and returns its exit status.
    public func waitForExit(timeout: TimeInterval = 60) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            process.terminate()
            throw PseudoTerminalError("the program did not exit; the screen shows:\n\(String(screenText.suffix(1500)))")
        }
        return process.terminationStatus
    }

    /// The program's process id, e.g. to send it SIGKILL.
    public var processIdentifier: Int32 { process.processIdentifier }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
    }
}

/// Output collected from the terminal by the reader thread.
private final class OutputBox: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) {
        lock.lock()
        data.append(more)
        lock.unlock()
    }

    func clear() {
        lock.lock()
        data.removeAll()
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        let raw = String(decoding: data, as: UTF8.self)
        return raw.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
    }
}

/// A pseudo-terminal that could not be set up or a wait that ran out.
public struct PseudoTerminalError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
