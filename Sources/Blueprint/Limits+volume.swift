import Foundation

/// Sizing an agent's limit from the work it is expected to handle, and checking that a limit can
/// keep up with it. The planner and the validator use the same arithmetic, so a planned blueprint
/// never warns about its own limits.
extension Limits {
    /// Work is assumed to arrive within the business's working hours, and in bursts: the limit
    /// holds this many times the average rate. (Beyond the limit nothing is lost: the runtime defers
    /// the rest to the next hours, so the limit sets how fast a burst is worked off, not whether.)
    public static let burstFactor = 3.0
    /// The highest limit a blueprint may set (the validator's range is 1 to this).
    public static let maximum = 10_000

    /// A limit for `expectedPerWeek` items arriving over `hoursPerWeek` working hours, each leading
    /// to `actionsPerItem` actions: the larger of the average rate × ``burstFactor`` and the busiest
    /// hour of a year of random arrivals at that rate (``busiestHour(average:hoursPerYear:)``), in
    /// actions, rounded up to a step a person would write (10s to 100, 50s to 1,000, 100s beyond),
    /// never below `floor` nor above ``maximum``.
    public static func sized(expectedPerWeek: Double, hoursPerWeek: Double, actionsPerItem: Int, floor: Int) -> Int {
        guard expectedPerWeek > 0, hoursPerWeek > 0, expectedPerWeek.isFinite else {
            return min(max(floor, 1), maximum)
        }
        let average = expectedPerWeek / hoursPerWeek
        let peak = max(average * burstFactor, busiestHour(average: average, hoursPerYear: hoursPerWeek * 52))
        let wanted = peak * Double(max(1, actionsPerItem))
        let step: Double = wanted <= 100 ? 10 : wanted <= 1_000 ? 50 : 100
        let rounded = min(Double(maximum), (wanted / step).rounded(.up) * step)
        return min(max(floor, Int(rounded)), maximum)
    }

    /// The items the busiest of `hoursPerYear` hours brings when items arrive at random (Poisson) at
    /// `average` an hour: the smallest `k` with P(more than `k` in an hour) ≤ 1 / `hoursPerYear`, so
    /// about one hour a year is over it. It matters for small rates, where chance bunches items (at 2
    /// an hour, the busiest hour of a year brings 8: 4× the average); from about 4 an hour on, 3×
    /// the average is as large or larger, and past 100 an hour it is not worked out (0).
    public static func busiestHour(average: Double, hoursPerYear: Double) -> Double {
        guard average > 0, average <= 100, hoursPerYear >= 1 else { return 0 }
        let tail = 1 / hoursPerYear
        var probability = exp(-average)  // P(X = 0)
        var below = probability  // P(X ≤ k)
        var k = 0.0
        while 1 - below > tail {
            k += 1
            probability *= average / k
            below += probability
        }
        return k
    }
}

extension WorkingHours {
    /// Hours a week the business works (days × the span from start to end), or `nil` when the
    /// times are not `HH:MM` or end is not after start.
    public var hoursPerWeek: Double? {
        func minutes(_ time: String) -> Int? {
            let parts = time.split(separator: ":")
            guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h),
                (0..<60).contains(m)
            else { return nil }
            return h * 60 + m
        }
        guard let from = minutes(start), let to = minutes(end), to > from, !days.isEmpty else { return nil }
        return Double(Set(days).count * (to - from)) / 60
    }
}

extension Agent {
    /// Actions one item of work can lead to within the limit: each action its skill proposes that
    /// its permissions allow (a lead qualifier records a score and sends a reply: 2), at least one.
    /// High-stakes actions always wait for a person, and the limit counts only those that run.
    public var actionsPerItem: Int {
        let actions = SkillCatalog.skill(skill)?.actions ?? []
        return max(
            1,
            actions.filter { !$0.isHighStakes && SkillCatalog.allows(permissions, $0) }.count)
    }
}
