import Synchronization

/// Says a failure that repeats (the store full, a batch that cannot commit) at most once a
/// minute: the first time at once, then once per interval with how often it happened meanwhile,
/// and once more when the work goes through again. A loop that retries every second on a full
/// disk would otherwise write 3,600 lines an hour to the log — on the same full disk.
final class RepeatedFailureLog: Sendable {
    private struct State {
        var lastSaid: ContinuousClock.Instant?
        var cause = ""
        var unsaid = 0
        var failures = 0
    }

    private let state = Mutex(State())
    let interval: Duration
    let log: @Sendable (String) -> Void

    init(interval: Duration = .seconds(60), log: @escaping @Sendable (String) -> Void) {
        self.interval = interval
        self.log = log
    }

    /// Records a failure; says `message` when it is the first, its cause changed, or the interval passed.
    /// - Parameter cause: what failed, compared from one failure to the next (the error's text).
    func failed(_ message: String, cause: String, now: ContinuousClock.Instant = .now) {
        let line: String? = state.withLock { state in
            state.failures += 1
            if let last = state.lastSaid, state.cause == cause, now - last < interval {
                state.unsaid += 1
                return nil
            }
            let again = state.unsaid > 0 ? " (and \(state.unsaid) more times since it was last said)" : ""
            state.lastSaid = now
            state.cause = cause
            state.unsaid = 0
            return message + again
        }
        if let line { log(line) }
    }

    /// Records that the work went through: says `message` once if it had been failing.
    func recovered(_ message: String) {
        let failures = state.withLock { state in
            defer { state = State() }
            return state.failures
        }
        if failures > 0 { log("\(message) (after \(failures) failed tr\(failures == 1 ? "y" : "ies"))") }
    }
}
