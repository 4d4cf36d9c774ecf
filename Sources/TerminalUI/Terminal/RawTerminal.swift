#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A terminal in raw mode: bytes as they are typed, no echo, no line editing, Ctrl-C as a byte.
///
/// Not `Sendable`: it owns the terminal's settings and belongs to the one thread that prompts.
public final class RawTerminal {
    private let input: Int32
    private let output: Int32
    private var saved: termios?
    private var decoder = KeyDecoder()

    public init(input: Int32 = 0, output: Int32 = 1) {
        self.input = input
        self.output = output
    }

    /// Whether a file descriptor is a terminal.
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Switches to raw mode, remembering the settings to restore.
    public func enableRawMode() {
        guard saved == nil else { return }
        var settings = termios()
        guard tcgetattr(input, &settings) == 0 else { return }
        saved = settings
        settings.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        settings.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        withUnsafeMutableBytes(of: &settings.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(input, TCSAFLUSH, &settings)
        write("\u{1B}[?25l")
    }

    /// Restores the settings found before ``enableRawMode()`` and shows the cursor again.
    public func restore() {
        guard var settings = saved else { return }
        tcsetattr(input, TCSAFLUSH, &settings)
        saved = nil
        write("\u{1B}[?25h")
    }

    /// Columns and rows, or 80×24 when the terminal does not say.
    public var size: (columns: Int, rows: Int) {
        var ws = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0, ws.ws_row > 0 {
            return (Int(ws.ws_col), Int(ws.ws_row))
        }
        return (80, 24)
    }

    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Blocks until at least one key arrives. Returns `nil` when input has ended.
    public func readKeys() -> [Key]? {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            var keys = decoder.feed(Array(buffer[0..<n]))
            if keys.isEmpty && !waitForInput(milliseconds: 30) {
                keys = decoder.flush()
            }
            if !keys.isEmpty { return keys }
        }
    }

    private func waitForInput(milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }
}
