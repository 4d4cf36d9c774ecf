import Dispatch
import Foundation

/// Leaves cleanly on SIGINT, SIGTERM or SIGHUP: restores the terminal's settings, says what is saved
/// and how to resume, and exits with 130. Answers are already durable, so nothing else is needed.
enum InterruptTrap {
    /// Kept alive for the life of the process; only touched from `install`, on the main thread.
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install(message: String) {
        var original = termios()
        let haveTerminal = tcgetattr(0, &original) == 0
        let saved = original
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                if haveTerminal {
                    var settings = saved
                    tcsetattr(0, TCSANOW, &settings)
                    FileHandle.standardOutput.write(Data("\u{1B}[?25h\n".utf8))
                }
                FileHandle.standardError.write(Data((message + "\n").utf8))
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }
}
