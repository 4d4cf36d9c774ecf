/// Sizing an agent's limit from the work it is expected to handle, and checking that a limit can
/// keep up with it. The planner and the validator use the same arithmetic, so a planned blueprint
/// never warns about its own limits.
extension Limits {
    /// Work is assumed to arrive within the business's working hours, and in bursts: the limit
    /// holds this many times the average rate.
    public static let burstFactor = 3.0
    /// The highest limit a blueprint may set (the validator's range is 1 to this).
    public static let maximum = 10_000

    /// A limit for `expectedPerWeek` items arriving over `hoursPerWeek` working hours, each leading
    /// to `actionsPerItem` actions: the average rate × ``burstFactor``, rounded up to a step a person
    /// would write (10s to 100, 50s to 1,000, 100s beyond), never below `floor` nor above ``maximum``.
    public static func sized(expectedPerWeek: Double, hoursPerWeek: Double, actionsPerItem: Int, floor: Int) -> Int {
        guard expectedPerWeek > 0, hoursPerWeek > 0, expectedPerWeek.isFinite else {
            return min(max(floor, 1), maximum)
        }
        let wanted = expectedPerWeek / hoursPerWeek * Double(max(1, actionsPerItem)) * burstFactor
        let step: Double = wanted <= 100 ? 10 : wanted <= 1_000 ? 50 : 100
        let rounded = min(Double(maximum), (wanted / step).rounded(.up) * step)
        return min(max(floor, Int(rounded)), maximum)
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
