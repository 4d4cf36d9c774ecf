import Foundation
import Synchronization

/// The booking page's budgets, shared by its handlers, on a monotonic clock: requests per address
/// (an IPv6 address counts by its /64, as the sign-in's backoff counts it) and picks per case.
final class BookingLimiter: Sendable {
    private let addresses: Mutex<RequestBudget>
    private let cases: Mutex<RequestBudget>
    private let started = ContinuousClock.now

    init(address: RequestBudget.Policy, case: RequestBudget.Policy) {
        addresses = Mutex(RequestBudget(policy: address))
        cases = Mutex(RequestBudget(policy: `case`))
    }

    private var now: TimeInterval {
        let elapsed = (ContinuousClock.now - started).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }

    /// A request from `address`: nil, or the seconds to wait.
    func view(from address: String) -> Int? {
        let now = now
        return addresses.withLock { $0.take(SignInThrottle.key(address), now: now) }
    }

    /// A time picked for `caseID`: nil, or the seconds to wait.
    func pick(caseID: String) -> Int? {
        let now = now
        return cases.withLock { $0.take(caseID, now: now) }
    }
}
