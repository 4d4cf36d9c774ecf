import Foundation

/// What a running system measured over a period, as `baton kpis export` writes it and `baton report
/// ID --actuals` reads it: figures per day, per week and for the whole period, each KPI of the
/// blueprint with its measured value and how sure that value is. Only aggregates: counts,
/// percentiles, shares, agent ids, never a lead's name, address, phone or message.
///
/// Sealed by ``digest``: the SHA-256 of the snapshot's canonical JSON (sorted keys, no spaces)
/// with the digest itself empty. An edit after export no longer matches; ``SnapshotFile`` says so.
public struct KPISnapshot: Codable, Sendable, Equatable {
    /// The schema's name, in every file.
    public static let schemaName = "baton.kpi-snapshot"
    /// Bumped when a field changes meaning or goes; new optional fields keep the version.
    public static let currentVersion = 1

    public var schema: String
    public var version: Int
    /// RFC 3339, on the runtime's clock.
    public var exportedAt: String
    /// Who exported it (`--by`, else the account's user name).
    public var exportedBy: String
    public var business: SnapshotBusiness
    /// What the running blueprint was built from, when it says.
    public var provenance: Provenance?
    /// The SHA-256 of the blueprint the runtime ran, as its folder keeps it.
    public var blueprintDigest: String
    public var period: SnapshotPeriod
    /// Every KPI of the blueprint with what was measured of it.
    public var kpis: [MeasuredKPI]
    /// The figures of the whole period, of each week (seven days from the period's first, the last
    /// possibly shorter), and of each day.
    public var total: PeriodFigures
    public var weeks: [PeriodFigures]
    public var days: [PeriodFigures]
    /// `sha256:` and 64 hex digits; see the type's documentation.
    public var digest: String

    public init(
        exportedAt: String, exportedBy: String, business: SnapshotBusiness, provenance: Provenance?,
        blueprintDigest: String, period: SnapshotPeriod, kpis: [MeasuredKPI], total: PeriodFigures,
        weeks: [PeriodFigures], days: [PeriodFigures]
    ) {
        schema = Self.schemaName
        version = Self.currentVersion
        self.exportedAt = exportedAt
        self.exportedBy = exportedBy
        self.business = business
        self.provenance = provenance
        self.blueprintDigest = blueprintDigest
        self.period = period
        self.kpis = kpis
        self.total = total
        self.weeks = weeks
        self.days = days
        digest = ""
    }

    enum CodingKeys: String, CodingKey {
        case schema, version, business, provenance, period, kpis, total, weeks, days, digest
        case exportedAt = "exported_at", exportedBy = "exported_by", blueprintDigest = "blueprint_digest"
    }
}

public struct SnapshotBusiness: Codable, Sendable, Equatable {
    public var name: String
    public var timeZone: String
    public var currency: String

    public init(name: String, timeZone: String, currency: String) {
        self.name = name
        self.timeZone = timeZone
        self.currency = currency
    }

    enum CodingKeys: String, CodingKey {
        case name, currency
        case timeZone = "time_zone"
    }
}

/// Whole days in the business's time zone, `since` and `until` both counted.
public struct SnapshotPeriod: Codable, Sendable, Equatable {
    /// `YYYY-MM-DD`.
    public var since: String
    /// `YYYY-MM-DD`, the last day counted.
    public var until: String
    public var days: Int

    public init(since: String, until: String, days: Int) {
        self.since = since
        self.until = until
        self.days = days
    }
}
