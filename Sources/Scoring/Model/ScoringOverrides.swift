import Foundation

/// Adjusted assumptions for one scoring run (`baton score ID --set KEY=VALUE`), leaving the saved
/// answers and the parameter files untouched.
public struct ScoringOverrides: Sendable, Equatable {
    /// Every key `--set` accepts, with what it changes.
    public static let keys: [(key: String, meaning: String)] = [
        ("hourly_cost", "the loaded hourly cost of everyone (owner and staff)"),
        ("owner_hourly", "the owner's loaded hourly cost"),
        ("staff_hourly", "the staff's loaded hourly cost"),
        ("scenario", "low, expected or high: the benefit realisation of the headline figures"),
        ("discount_rate", "the annual discount rate of the NPV, e.g. 0.08"),
        ("working_weeks", "working weeks a year"),
        ("gross_margin", "the share of added revenue that is benefit"),
        ("samples", "Monte Carlo draws"),
        ("seed", "Monte Carlo seed"),
        ("tier", "force a pricing tier (starter, growth, scale)"),
        (
            "lead_reply_share",
            "the share of leads answered within the target, as measured (0 to 1): scales the revenue effect"
        ),
    ]

    /// The overrides as given, by key, for the record.
    public private(set) var values: [String: String] = [:]

    public init() {}

    /// Parses `KEY=VALUE` pairs.
    /// - Throws: ``ScoringError`` for an unknown key or a value of the wrong kind.
    public init(parsing pairs: [String]) throws(ScoringError) {
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "=") else {
                throw ScoringError("--set takes KEY=VALUE, not '\(pair)'")
            }
            let key = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            let value = String(pair[pair.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            guard Self.keys.contains(where: { $0.key == key }) else {
                throw ScoringError("unknown --set key '\(key)'; keys: \(Self.keys.map(\.key).joined(separator: ", "))")
            }
            switch key {
            case "scenario":
                guard ["low", "expected", "high"].contains(value) else {
                    throw ScoringError("scenario is low, expected or high, not '\(value)'")
                }
            case "tier":
                guard !value.isEmpty else { throw ScoringError("tier needs a tier id") }
            case "samples", "seed":
                guard let n = UInt64(value), n > 0 else {
                    throw ScoringError("\(key) must be a positive whole number, not '\(value)'")
                }
                if key == "samples", n > 1_000_000 { throw ScoringError("samples must be at most 1,000,000") }
            default:
                guard let n = Double(value), n.isFinite, n >= 0 else {
                    throw ScoringError("\(key) must be a number that is not negative, not '\(value)'")
                }
                if ["discount_rate", "gross_margin", "lead_reply_share"].contains(key), n > 1 {
                    throw ScoringError("\(key) is a share between 0 and 1, not \(value)")
                }
                if key == "working_weeks", n > 52 { throw ScoringError("working_weeks must be at most 52") }
                if key.hasSuffix("hourly") || key == "hourly_cost", n > 10_000 {
                    throw ScoringError("\(key) must be at most 10,000 an hour")
                }
            }
            values[key] = value
        }
    }

    func number(_ key: String) -> Double? { values[key].flatMap(Double.init) }

    var scenario: String { values["scenario"] ?? "expected" }

    /// The share of the revenue uplift counted: all of it unless a measured share is given.
    var leadReplyShare: Double { number("lead_reply_share") ?? 1 }

    /// Applies the overrides to a copy of the answers' figures and the parameters.
    func apply(to profile: inout BusinessProfile, _ parameters: inout ScoringParameters) {
        if let cost = number("hourly_cost") {
            profile.ownerHourly = cost
            profile.staffHourly = cost
        }
        if let owner = number("owner_hourly") { profile.ownerHourly = owner }
        if let staff = number("staff_hourly") { profile.staffHourly = staff }
        if let rate = number("discount_rate") { parameters.roi.discountRate = rate }
        if let weeks = number("working_weeks") { parameters.workingWeeks.value = weeks }
        if let margin = number("gross_margin") { parameters.leadResponse.grossMargin.value = margin }
        if let samples = values["samples"].flatMap(Int.init) { parameters.roi.monteCarlo.samples = samples }
        if let seed = values["seed"].flatMap(UInt64.init) { parameters.roi.monteCarlo.seed = seed }
    }
}
