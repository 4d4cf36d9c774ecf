/// Which connections are open, which of them are idle and since when: the cap on open connections
/// as a pure value, so its rules are tested without sockets. ``ConnectionRegistry`` keeps one
/// behind a lock and closes what it says to close.
///
/// At the cap a newcomer is let in by closing the connection idle the longest (waiting for a
/// request, or lingering after a refusal) — what a half-sent request or a parked keep-alive holds
/// is given to a client that is about to speak. When none is idle (every slot is reading a body or
/// being answered), the newcomer is refused: a short `503` with `Retry-After` while few refusals
/// are in progress, else closed at once, so refusals too stay within a bounded number of
/// descriptors.
struct ConnectionTable<Key: Hashable & Sendable>: Sendable {
    enum Admission: Equatable {
        case admit
        /// Admit, after closing this idle connection.
        case admitEvicting(Key)
        /// Refuse; `answer`: with a short 503 (else closed at once).
        case refuse(answer: Bool)
    }

    /// Open connections at most.
    let capacity: Int
    /// Refusals answering (a 503 on its way out) at most; past it, refused connections are closed at once.
    let refusalCapacity: Int
    /// Each open connection: the tick it became idle at, or nil while it is busy.
    private(set) var open: [Key: UInt64?] = [:]
    /// Refusals answering now.
    private(set) var refusing = 0
    private var tick: UInt64 = 0

    init(capacity: Int, refusalCapacity: Int) {
        self.capacity = max(1, capacity)
        self.refusalCapacity = max(0, refusalCapacity)
    }

    /// A new connection arrives.
    mutating func admit(_ key: Key) -> Admission {
        if open.count < capacity {
            insert(key)
            return .admit
        }
        let oldest = open.compactMap { entry in entry.value.map { (entry.key, $0) } }.min { $0.1 < $1.1 }
        if let (victim, _) = oldest {
            open[victim] = nil
            insert(key)
            return .admitEvicting(victim)
        }
        guard refusing < refusalCapacity else { return .refuse(answer: false) }
        refusing += 1
        return .refuse(answer: true)
    }

    /// The connection is waiting for a request (true) or working on one (false).
    mutating func setIdle(_ key: Key, _ idle: Bool) {
        guard let current = open[key] else { return }
        if idle, current == nil {
            tick += 1
            open[key] = .some(tick)
        } else if !idle {
            open[key] = .some(nil)
        }
    }

    /// The connection closed (evicted ones are gone already).
    mutating func remove(_ key: Key) {
        open[key] = nil
    }

    /// A refusal's connection closed.
    mutating func refusalEnded() {
        refusing = max(0, refusing - 1)
    }

    private mutating func insert(_ key: Key) {
        tick += 1
        open[key] = .some(tick)
    }
}
