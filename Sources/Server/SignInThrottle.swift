import Foundation
import Synchronization

/// The dashboard sign-in's backoff, per peer address: a pure state machine (the server asks it
/// and tells it what happened; it does no I/O and reads no clock).
///
/// The first ``Policy/freeFailures`` wrong tokens cost nothing; each one after that shuts the
/// address out for ``Policy/firstDelay`` doubled each time, up to ``Policy/longestDelay``. While
/// shut out every sign-in from it is refused (429 with `Retry-After`), a right token too, and
/// does not count. An address's failures are forgotten once it has been quiet (no failure, no
/// wait) for ``Policy/forgetAfter``, or when it signs in. IPv6 addresses count by their /64 (one host usually holds a whole /64).
///
/// Memory is bounded: at most ``Policy/capacity`` addresses are remembered; past that the ones
/// not heard from longest are forgotten first.
package struct SignInThrottle: Sendable {
    /// How many failures are free, how long the waits are, and how many addresses are remembered.
    package struct Policy: Sendable {
        package var freeFailures: Int
        package var firstDelay: TimeInterval
        package var longestDelay: TimeInterval
        package var forgetAfter: TimeInterval
        package var capacity: Int

        package init(
            freeFailures: Int = 5, firstDelay: TimeInterval = 1, longestDelay: TimeInterval = 15 * 60,
            forgetAfter: TimeInterval = 10 * 60, capacity: Int = 10_000
        ) {
            self.freeFailures = freeFailures
            self.firstDelay = firstDelay
            self.longestDelay = longestDelay
            self.forgetAfter = forgetAfter
            self.capacity = capacity
        }
    }

    enum Decision: Equatable, Sendable {
        case allow
        /// Refused: try again after this many seconds (whole, at least 1).
        case wait(seconds: Int)
    }

    struct Entry: Sendable, Equatable {
        var failures: Int
        var lastFailure: TimeInterval
        var blockedUntil: TimeInterval

        /// Since when the address has been quiet: its last failure, or the end of its wait.
        var quietSince: TimeInterval { max(lastFailure, blockedUntil) }
    }

    let policy: Policy
    private(set) var entries: [String: Entry] = [:]

    init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// Whether `address` may try to sign in at `now`.
    func check(_ address: String, now: TimeInterval) -> Decision {
        guard let entry = entries[Self.key(address)], entry.blockedUntil > now else { return .allow }
        return .wait(seconds: max(1, Int((entry.blockedUntil - now).rounded(.up))))
    }

    /// Counts a wrong token from `address` at `now`.
    mutating func failed(_ address: String, now: TimeInterval) {
        let key = Self.key(address)
        var entry = entries[key] ?? Entry(failures: 0, lastFailure: now, blockedUntil: 0)
        if now - entry.quietSince >= policy.forgetAfter { entry.failures = 0 }
        entry.failures += 1
        entry.lastFailure = now
        if entry.failures > policy.freeFailures {
            let doublings = min(entry.failures - policy.freeFailures - 1, 40)
            entry.blockedUntil = now + min(policy.longestDelay, policy.firstDelay * pow(2, Double(doublings)))
        }
        entries[key] = entry
        if entries.count > policy.capacity { forgetOldest(now: now) }
    }

    /// `address` signed in: its failures are forgotten.
    mutating func succeeded(_ address: String) {
        entries[Self.key(address)] = nil
    }

    /// Forgets what is stale, then (if still too many) the addresses not heard from longest, down
    /// to nine tenths of the capacity: one sort per capacity/10 new addresses.
    private mutating func forgetOldest(now: TimeInterval) {
        entries = entries.filter { now - $0.value.quietSince < policy.forgetAfter }
        let keep = policy.capacity * 9 / 10
        guard entries.count > keep else { return }
        let oldest = entries.sorted { $0.value.lastFailure < $1.value.lastFailure }.prefix(entries.count - keep)
        for (key, _) in oldest { entries[key] = nil }
    }

    /// What an address counts as: itself (IPv4, an IPv4-mapped IPv6 address as its IPv4), or its
    /// /64 for IPv6.
    static func key(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return bytes[12..<16].map { String($0) }.joined(separator: ".")
        }
        return bytes[0..<8].map { String(format: "%02x", $0) }.joined() + "::/64"
    }
}

/// The sign-in backoff shared by the server's handlers, on a monotonic clock (a changed wall clock
/// neither lifts nor lengthens a wait).
final class SignInLimiter: Sendable {
    private let state: Mutex<SignInThrottle>
    private let started = ContinuousClock.now

    init(policy: SignInThrottle.Policy = .init()) {
        state = Mutex(SignInThrottle(policy: policy))
    }

    private var now: TimeInterval {
        let elapsed = (ContinuousClock.now - started).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }

    func check(_ address: String) -> SignInThrottle.Decision {
        let now = now
        return state.withLock { $0.check(address, now: now) }
    }

    func failed(_ address: String) {
        let now = now
        state.withLock { $0.failed(address, now: now) }
    }

    func succeeded(_ address: String) {
        state.withLock { $0.succeeded(address) }
    }
}
