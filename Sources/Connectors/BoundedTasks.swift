/// Work on a connector's items side by side, at most so many at a time: a server is not flooded
/// (a mail server limits its connections, a small CalDAV server its workers), yet one slow request
/// does not hold up the others.
enum BoundedTasks {
    /// Runs `work` on every item, at most `limit` at once, and merges the outcomes by outbox id.
    static func outcomes<Item: Sendable, Outcome: Sendable>(
        _ items: [Item], atMost limit: Int, _ work: @escaping @Sendable (Item) async -> [Int64: Outcome]
    ) async -> [Int64: Outcome] {
        await withTaskGroup(of: [Int64: Outcome].self) { group in
            var pending = items.makeIterator()
            for _ in 0..<max(1, limit) {
                guard let item = pending.next() else { break }
                group.addTask { await work(item) }
            }
            var merged: [Int64: Outcome] = [:]
            while let done = await group.next() {
                merged.merge(done) { first, _ in first }
                if let item = pending.next() { group.addTask { await work(item) } }
            }
            return merged
        }
    }
}
