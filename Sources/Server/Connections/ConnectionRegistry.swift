import NIOCore
import Synchronization

/// The server's open connections, shared by its event loops: a ``ConnectionTable`` behind a lock,
/// and the channels it names, so that an evicted one can be closed.
final class ConnectionRegistry: Sendable {
    typealias Key = ObjectIdentifier

    private struct State: Sendable {
        var table: ConnectionTable<Key>
        var channels: [Key: any Channel] = [:]
    }

    private let state: Mutex<State>
    let capacity: Int

    init(capacity: Int, refusalCapacity: Int) {
        self.capacity = max(1, capacity)
        self.state = Mutex(State(table: ConnectionTable(capacity: capacity, refusalCapacity: refusalCapacity)))
    }

    /// Lets `channel` in, or not; an idle connection it replaces is closed here. An admitted
    /// channel leaves the registry when it closes.
    func admit(_ channel: any Channel) -> ConnectionTable<Key>.Admission {
        let key = Key(channel)
        let (admission, victim) = state.withLock { state -> (ConnectionTable<Key>.Admission, (any Channel)?) in
            let admission = state.table.admit(key)
            switch admission {
            case .admit:
                state.channels[key] = channel
                return (admission, nil)
            case .admitEvicting(let evicted):
                state.channels[key] = channel
                return (admission, state.channels.removeValue(forKey: evicted))
            case .refuse:
                return (admission, nil)
            }
        }
        victim?.close(promise: nil)
        switch admission {
        case .admit, .admitEvicting:
            channel.closeFuture.whenComplete { _ in
                self.state.withLock { state in
                    // An evicted channel's key may be a newer channel's by now: only its own entry goes.
                    guard let registered = state.channels[key], registered === channel else { return }
                    state.channels[key] = nil
                    state.table.remove(key)
                }
            }
        case .refuse(answer: true):
            channel.closeFuture.whenComplete { _ in self.state.withLock { $0.table.refusalEnded() } }
        case .refuse(answer: false):
            break
        }
        return admission
    }

    /// The channel waits for a request (or lingers), and may be closed for a newcomer; or it works.
    func setIdle(_ channel: any Channel, _ idle: Bool) {
        let key = Key(channel)
        state.withLock { state in
            guard let registered = state.channels[key], registered === channel else { return }
            state.table.setIdle(key, idle)
        }
    }

    /// Connections open now.
    var open: Int { state.withLock { $0.table.open.count } }
}
