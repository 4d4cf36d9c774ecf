import Foundation

/// One KPI of the blueprint beside what the running system measured of it over the period.
public struct MeasuredKPI: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var unit: String
    public var baseline: Double
    public var target: Double
    /// Where the baseline came from (the blueprint's `source`), when it says.
    public var baselineSource: String?
    /// How it was measured: what sets its confidence.
    public var method: Method
    /// The measured figure over the period, in ``unit``; `nil` when too few to say or not measured.
    public var actual: Double?
    /// How many items the figure rests on (leads, tasks, invoices).
    public var sample: Int
    public var confidence: Confidence
    /// The same figure each week, `nil` where that week had too few.
    public var weekly: [Double?]
    /// What the figure means and what it rests on, in a sentence.
    public var note: String

    /// How a KPI is measured.
    public enum Method: String, Codable, Sendable {
        /// The median of measured times (first response), from the audit log and the outbox.
        case measured
        /// Tasks × minutes per task: hours a week left to a person, an estimate.
        case estimate
        /// The runtime has no measure of it yet.
        case notMeasured = "not_measured"
    }

    public init(
        id: String, name: String, unit: String, baseline: Double, target: Double, baselineSource: String?,
        method: Method, actual: Double?, sample: Int, confidence: Confidence, weekly: [Double?], note: String
    ) {
        self.id = id
        self.name = name
        self.unit = unit
        self.baseline = baseline
        self.target = target
        self.baselineSource = baselineSource
        self.method = method
        self.actual = actual
        self.sample = sample
        self.confidence = confidence
        self.weekly = weekly
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, name, unit, baseline, target, method, actual, sample, confidence, weekly, note
        case baselineSource = "baseline_source"
    }

    /// Whether lower is better (times and hours): every KPI Baton writes today is.
    public var lowerIsBetter: Bool { target <= baseline }

    /// The share of the way from baseline to target the actual has come (1: there, above 1: past
    /// it, below 0: worse than before); `nil` without an actual or when baseline and target meet.
    public var progress: Double? {
        guard let actual, baseline != target, actual.isFinite, baseline.isFinite, target.isFinite else { return nil }
        let p = (baseline - actual) / (baseline - target)
        return p.isFinite ? p : nil
    }
}
