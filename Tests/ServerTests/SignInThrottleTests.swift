import BatonTestSupport
import Foundation
import Testing

@testable import Server

/// The sign-in backoff as a pure state machine, over generated sequences of attempts from many
/// addresses (the HTTP side: `DashboardSecurityTests`).
struct SignInThrottleTests {
    @Test func theWaitDoublesFromTheFirstDelayToTheLongestAfterTheFreeFailures() {
        let policy = SignInThrottle.Policy()
        var throttle = SignInThrottle(policy: policy)
        var now: TimeInterval = 1000
        for failure in 1...30 {
            #expect(throttle.check("203.0.113.9", now: now) == .allow, "failure \(failure) is allowed to try")
            throttle.failed("203.0.113.9", now: now)
            let expected =
                failure <= policy.freeFailures
                ? nil : min(policy.longestDelay, policy.firstDelay * pow(2, Double(failure - policy.freeFailures - 1)))
            if let expected {
                #expect(throttle.check("203.0.113.9", now: now) == .wait(seconds: Int(expected.rounded(.up))))
                // Still refused a moment before the end; let in at the end.
                #expect(throttle.check("203.0.113.9", now: now + expected - 0.01) != .allow)
                now += expected
            } else {
                #expect(throttle.check("203.0.113.9", now: now) == .allow)
                now += 0.5
            }
        }
    }

    /// Over generated interleavings of attempts from a few addresses: each decision is the one a
    /// plain model of the policy gives for that address alone (so an address is never held up by
    /// another's failures), never a wait before its free failures are spent, never past the longest.
    @Test(arguments: 0..<300)
    func addressesAreIndependentAndFollowThePolicy(seed: Int) {
        struct Model {
            var failures = 0
            var lastFailure: TimeInterval = 0
            var blockedUntil: TimeInterval = 0
        }
        var random = SplitMix(state: UInt64(seed) &* 0x2545_F491_4F6C_DD1D)
        let policy = SignInThrottle.Policy(capacity: 1_000_000)
        let addresses = (0..<Int.random(in: 2...6, using: &random)).map { "198.51.100.\($0)" }
        var throttle = SignInThrottle(policy: policy)
        var models = Dictionary(uniqueKeysWithValues: addresses.map { ($0, Model()) })
        var now: TimeInterval = 0
        for _ in 0..<Int.random(in: 1...200, using: &random) {
            now += [0, 0.1, 1, 5, 60, 700].randomElement(using: &random)!
            let address = addresses.randomElement(using: &random)!
            var model = models[address]!
            let decision = throttle.check(address, now: now)
            let expected: SignInThrottle.Decision =
                model.blockedUntil > now ? .wait(seconds: Int((model.blockedUntil - now).rounded(.up))) : .allow
            #expect(decision == expected, "seed \(seed)")
            if model.failures < policy.freeFailures
                || now - max(model.lastFailure, model.blockedUntil) >= policy.forgetAfter
            {
                #expect(decision == .allow, "seed \(seed): within the free failures")
            }
            if case .wait(let seconds) = decision {
                #expect(seconds >= 1 && seconds <= Int(policy.longestDelay))
                continue
            }
            if Int.random(in: 0..<10, using: &random) == 0 {
                throttle.succeeded(address)
                model = Model()
            } else {
                throttle.failed(address, now: now)
                if now - max(model.lastFailure, model.blockedUntil) >= policy.forgetAfter { model.failures = 0 }
                model.failures += 1
                model.lastFailure = now
                if model.failures > policy.freeFailures {
                    var delay = policy.firstDelay
                    for _ in 0..<(model.failures - policy.freeFailures - 1) {
                        delay = min(policy.longestDelay, delay * 2)
                    }
                    model.blockedUntil = now + delay
                }
            }
            models[address] = model
        }
    }

    @Test func memoryIsBoundedAndTheAddressesHeardFromLongestAgoGoFirst() {
        var random = SplitMix(state: 7)
        let policy = SignInThrottle.Policy(capacity: 1000)
        var throttle = SignInThrottle(policy: policy)
        var now: TimeInterval = 0
        for n in 0..<50_000 {
            now += 0.001
            let address = "10.\(n / 65536 % 256).\(n / 256 % 256).\(n % 256)"
            throttle.failed(address, now: now)
            if Int.random(in: 0..<100, using: &random) == 0 { throttle.failed("192.0.2.1", now: now) }
            #expect(throttle.entries.count <= policy.capacity)
        }
        // The newest addresses are still remembered; the oldest are not.
        #expect(throttle.entries["10.0.195.79"] != nil)  // n = 49,999
        #expect(throttle.entries["10.0.0.0"] == nil)
        #expect(throttle.entries["192.0.2.1"] != nil)
    }

    @Test func failuresAreForgottenAfterAQuietSpellAndAtASignIn() {
        let policy = SignInThrottle.Policy()
        var throttle = SignInThrottle(policy: policy)
        for n in 0..<policy.freeFailures { throttle.failed("a", now: Double(n)) }
        throttle.failed("a", now: policy.forgetAfter + 100)
        #expect(throttle.check("a", now: policy.forgetAfter + 100) == .allow, "forgotten after a quiet spell")
        for n in 0..<policy.freeFailures { throttle.failed("b", now: Double(n)) }
        throttle.succeeded("b")
        throttle.failed("b", now: 10)
        #expect(throttle.check("b", now: 10) == .allow, "forgotten at a sign-in")
    }

    @Test(arguments: [
        ("2001:db8::1", "2001:db8::ffff:2", true), ("2001:db8:0:0:1::1", "2001:db8::2", true),
        ("2001:db8:0:1::1", "2001:db8::1", false), ("::ffff:127.0.0.1", "127.0.0.1", true),
        ("127.0.0.1", "127.0.0.2", false), ("::1", "::2", true), ("fe80::1%eth0", "fe80::1%eth0", true),
        ("not an address", "not an address", true), ("not an address", "another", false),
    ])
    func anIPv6AddressCountsByItsSlash64(a: String, b: String, same: Bool) {
        #expect((SignInThrottle.key(a) == SignInThrottle.key(b)) == same, "\(a) \(b)")
    }
}
