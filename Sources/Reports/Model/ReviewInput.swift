import Foundation
import Outcomes
import Scoring

/// Everything the review after N days is made from: the assessment's report input, the snapshot
/// the running system exported, and the assessment scored again on what it measured.
public struct ReviewInput: Sendable {
    /// The assessment as its report shows it (result, id, date, branding, paper, model, blueprint).
    public var report: ReportInput
    public var snapshot: KPISnapshot
    /// Whether the snapshot's digest still matches its content (no edit since export).
    public var intact: Bool
    /// Whether the assessment's answers differ from those the running blueprint was built from.
    public var answersChanged: Bool
    /// The assessment with the measured figures in place of the answers, and what was replaced;
    /// `nil` when nothing measured was sure enough to replace an answer.
    public var rescored: AssessmentResult?
    public var replacements: [Evidence.Replacement]

    public init(
        report: ReportInput, snapshot: KPISnapshot, intact: Bool, answersChanged: Bool,
        rescored: AssessmentResult?, replacements: [Evidence.Replacement]
    ) {
        self.report = report
        self.snapshot = snapshot
        self.intact = intact
        self.answersChanged = answersChanged
        self.rescored = rescored
        self.replacements = replacements
    }
}

/// What the review concludes, computed once for every format: how the period went against the
/// projection, KPI by KPI and in money.
struct ReviewFindings {
    enum Status: String {
        case ahead, onTrack = "on track", behind, tooEarly = "too early to say"
    }

    /// The benefit projected for the period: the headline's yearly time value and revenue effect,
    /// pro rata by days.
    let projectedTime: Double
    let projectedRevenue: Double
    /// The benefit the measured figures imply for the period: the time value of the hours taken
    /// over (at the projection's value of an hour), and the revenue effect on the evidence (`nil`
    /// when too few leads to say).
    let realisedTime: Double?
    let realisedRevenue: Double?
    let status: Status
    let reasons: [String]
    /// Hours a week the plan projected to take over, and the estimate measured.
    let projectedHoursPerWeek: Double
    let measuredHoursPerWeek: Double

    init(_ input: ReviewInput) {
        let r = input.report.result
        let s = input.snapshot
        let days = Double(max(1, s.period.days))
        let fraction = days / 365
        func finite(_ v: Double) -> Double { v.isFinite ? v : 0 }
        func double(_ d: Decimal) -> Double { NSDecimalNumber(decimal: d).doubleValue }
        projectedTime = finite(double(r.roi.annualTimeValue.value) * fraction)
        projectedRevenue = finite(double(r.roi.annualRevenueUpside.value) * fraction)
        projectedHoursPerWeek = finite(double(r.plan.hoursSavedPerWeek.value))
        measuredHoursPerWeek = finite(s.total.hoursTakenOver.hours * 7 / days)
        // Summed as doubles: a hand-edited file may hold counts whose sum overflows an Int.
        let tasks = s.total.hoursTakenOver.basis.reduce(0.0) { $0 + Double(max(0, $1.tasks)) }
        realisedTime =
            projectedHoursPerWeek > 0 && tasks > 0
            ? finite(projectedTime * measuredHoursPerWeek / projectedHoursPerWeek) : (tasks > 0 ? 0 : nil)
        if projectedRevenue <= 0 {
            realisedRevenue = 0
        } else if let rescored = input.rescored, s.total.firstResponse.confidence != .tooFew {
            realisedRevenue = finite(double(rescored.roi.annualRevenueUpside.value) * fraction)
        } else {
            realisedRevenue = nil
        }
        var reasons: [String] = []
        let style = MoneyStyle(currency: r.business.currency, region: r.business.region)
        let sure = s.kpis.filter { $0.actual != nil && $0.confidence != .tooFew }
        for kpi in sure {
            guard let actual = kpi.actual else { continue }
            let progress = kpi.progress ?? 0
            let word =
                progress >= 1 ? "at or past its target" : progress >= 0.5 ? "more than half way" : "short of halfway"
            reasons.append(
                "\(kpi.name): \(ReviewFindings.amount(actual, kpi.unit, style)) against a baseline of \(ReviewFindings.amount(kpi.baseline, kpi.unit, style)) and a target of \(ReviewFindings.amount(kpi.target, kpi.unit, style)), \(word)\(kpi.method == .estimate ? " (an estimate)" : "")."
            )
        }
        for kpi in s.kpis where kpi.method == .measured && kpi.confidence == .tooFew {
            reasons.append(
                "\(kpi.name): too few to say (\(kpi.sample) in the period; at least \(Confidence.minimumSample) are needed)."
            )
        }
        let projected = projectedTime + projectedRevenue
        if let time = realisedTime, projected > 0 {
            let realised = time + (realisedRevenue ?? 0)
            let ratio = realised / projected
            reasons.insert(
                "Benefit so far: \(MoneyFormat.money(realised, style)) realised against \(MoneyFormat.money(projected, style)) projected for \(Int(days)) days (\(MoneyFormat.percent(ratio)))\(realisedRevenue == nil ? ", time value only: too few leads to count the revenue effect" : "").",
                at: 0)
            status = ratio >= 1.1 ? .ahead : ratio >= 0.8 ? .onTrack : .behind
        } else if !sure.isEmpty {
            let progress = sure.compactMap(\.progress)
            let least = progress.min() ?? 0
            status = least >= 1 ? .ahead : least >= 0.5 ? .onTrack : .behind
        } else {
            status = .tooEarly
            reasons.insert("Nothing was measured with enough behind it yet: wait for more work to pass through.", at: 0)
        }
        self.reasons = reasons
    }

    /// A figure with its unit as people say it: `4 hours`, `3.5 h/week`.
    static func amount(_ value: Double, _ unit: String, _ style: MoneyStyle) -> String {
        // Clamped: a hand-edited snapshot may hold any number, and a day count must stay whole.
        if unit == "minutes" { return value < 1 ? "under a minute" : MoneyFormat.duration(minutes: min(value, 1e9)) }
        if unit == "hours/week" { return "\(MoneyFormat.figure(value, places: 1, french: style.french)) h a week" }
        return "\(MoneyFormat.figure(value, places: 1, french: style.french)) \(unit)"
    }
}

extension ReviewInput {
    /// The review of `report`'s assessment from a snapshot read back: the assessment scored again on
    /// the evidence, and whether the answers moved since the blueprint was built.
    /// - Parameters:
    ///   - profile: the assessment's answers as the scorer reads them.
    ///   - answersFingerprint: the fingerprint of the assessment's answers now.
    /// - Throws: ``SnapshotError`` when the snapshot's blueprint was built from another assessment.
    public static func build(
        report: ReportInput, profile: BusinessProfile, loaded: SnapshotFile.Loaded, answersFingerprint: String
    ) throws -> ReviewInput {
        let snapshot = loaded.snapshot
        if let built = snapshot.provenance, built.assessmentID != report.assessmentID {
            throw SnapshotError(
                "these figures are of the system built from assessment \(built.assessmentID), not \(report.assessmentID): run `baton report \(built.assessmentID) --actuals …`"
            )
        }
        let evidence = Evidence(snapshot, profile: profile)
        let rescored = try evidence.rescore(
            profile, with: Scorer(model: report.model), overrides: report.result.overrides)
        return ReviewInput(
            report: report, snapshot: snapshot, intact: loaded.intact,
            answersChanged: snapshot.provenance.map { $0.answersFingerprint != answersFingerprint } ?? false,
            rescored: rescored, replacements: rescored == nil ? [] : evidence.replacements)
    }
}
