/// Waits until `condition` holds, looking every `interval`; gives up only once `limit` has passed
/// *and* it has looked `looks` times. Both, because in the full suite's first minutes a waiting
/// task can resume minutes late (one deadline passed in a single sleep), and what it waits for may
/// be queued behind the same load: counting looks gives that work its turns. Returns whether the
/// condition held.
public func eventually(
    within limit: Duration = .seconds(120), looks: Int = 1000, every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    var looked = 0
    while true {
        if try await condition() { return true }
        looked += 1
        if looked >= looks && ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: interval)
    }
}
