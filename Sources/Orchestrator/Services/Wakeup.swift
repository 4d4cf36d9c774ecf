import Synchronization

/// Wakes one waiting service: signals that arrive while it works collapse into one wake-up, and a
/// wait also ends after its timeout (for the work that no signal announces, such as an event sent
/// by another process) or when its task is cancelled.
public final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes the waiter now, or the next one to wait.
    public func signal() {
        let waiter = state.withLock { state in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil as CheckedContinuation<Void, Never>?
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Why a wait ended.
    public enum Ending: Sendable, Equatable {
        case signalled, timedOut, cancelled
    }

    /// Returns at the next signal (at once if one came since the last wait), after `timeout`, or on
    /// cancellation, whichever is first, and says which. One waiter at a time.
    @discardableResult
    public func wait(upTo timeout: Duration) async -> Ending {
        if state.withLock({ state in
            defer { state.pending = false }
            return state.pending
        }) {
            return .signalled
        }
        let ending = await withTaskGroup(of: Ending.self) { group in
            group.addTask { await self.nextSignal() ? .signalled : .cancelled }
            group.addTask { (try? await Task.sleep(for: timeout)) == nil ? .cancelled : .timedOut }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
        return Task.isCancelled ? .cancelled : ending
    }

    /// Whether a signal ended the wait (not its task's cancellation).
    private func nextSignal() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            return !Task.isCancelled
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
