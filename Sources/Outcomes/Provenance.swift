import Foundation

/// What a blueprint was built from: the assessment, a fingerprint of the answers it was scored
/// on, and the day it was written. Kept in the blueprint (`provenance:`) and copied into each KPI
/// snapshot the runtime exports, so it lives in this leaf both sides read. A review after go-live
/// (`baton report ID --actuals`) compares the fingerprint with the assessment's answers now, so
/// figures measured against a blueprint are never set beside an assessment whose answers changed
/// since.
public struct Provenance: Codable, Sendable, Equatable {
    /// The assessment's id in the consultant's workspace.
    public var assessmentID: Int64
    /// `sha256:` and 64 hex digits: the digest of the answers as `baton answers export --format
    /// json` writes them.
    public var answersFingerprint: String
    /// `YYYY-MM-DD`: the day the blueprint was written, on the writer's clock (`BATON_NOW` or `--date`).
    public var date: String

    public init(assessmentID: Int64, answersFingerprint: String, date: String) {
        self.assessmentID = assessmentID
        self.answersFingerprint = answersFingerprint
        self.date = date
    }

    enum CodingKeys: String, CodingKey {
        case assessmentID = "assessment_id", answersFingerprint = "answers_fingerprint", date
    }

    /// The form of ``answersFingerprint``.
    public static let fingerprintPattern = "^sha256:[0-9a-f]{64}$"

    /// The blueprint's day as `YYYY-MM-DD` in UTC.
    public static func day(_ date: Date) -> String {
        localDay(date, in: TimeZone(identifier: "UTC") ?? .gmt)
    }

    /// Whether `text` is a real day written `YYYY-MM-DD` (no 2026-02-30).
    public static func isDay(_ text: String) -> Bool {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        guard text.count == 10, let date = formatter.date(from: text) else { return false }
        return formatter.string(from: date) == text
    }
}

extension Provenance {
    /// `YYYY-MM-DD` of `date` in `zone`.
    public static func localDay(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = zone
        return formatter.string(from: date)
    }
}
