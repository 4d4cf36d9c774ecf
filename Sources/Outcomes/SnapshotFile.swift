import Foundation

/// A KPI snapshot as a file: written with its digest, read back bounded and checked.
public enum SnapshotFile {
    /// The largest file read: a year of days is about 1 MiB.
    public static let maximumBytes = 16 << 20
    /// The longest period read: ten years of days.
    public static let maximumDays = 3_660

    /// The snapshot sealed (its ``KPISnapshot/digest`` set) as pretty JSON with sorted keys.
    public static func write(_ snapshot: KPISnapshot) throws -> String {
        var sealed = snapshot
        sealed.digest = try digest(of: snapshot)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(sealed), as: UTF8.self) + "\n"
    }

    /// The digest a snapshot's content has: SHA-256 of its canonical JSON with the digest empty.
    public static func digest(of snapshot: KPISnapshot) throws -> String {
        var bare = snapshot
        bare.digest = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ContentDigest.sha256(try encoder.encode(bare))
    }

    /// A snapshot read back, and whether its content is still what was exported.
    public struct Loaded: Sendable {
        public let snapshot: KPISnapshot
        /// False when the file was changed after export (its digest no longer matches).
        public let intact: Bool
    }

    /// Reads a snapshot.
    /// - Throws: ``SnapshotError`` for a file too large, not JSON, of another schema or a newer
    ///   version, or with figures that cannot be (negative counts, a period of impossible length).
    public static func read(_ data: Data, file: String) throws(SnapshotError) -> Loaded {
        guard data.count <= maximumBytes else {
            throw SnapshotError(
                "\(file): \(data.count) bytes, more than the \(maximumBytes >> 20) MiB a snapshot may be")
        }
        // The schema and version first, so that a newer file is named as such, not as broken.
        struct Head: Decodable {
            let schema: String?
            let version: Int?
        }
        guard let head = try? JSONDecoder().decode(Head.self, from: data) else {
            throw SnapshotError("\(file): not a KPI snapshot (not a JSON object); write one with `baton kpis export`")
        }
        guard head.schema == KPISnapshot.schemaName else {
            throw SnapshotError(
                "\(file): not a KPI snapshot (schema '\(head.schema ?? "none")', expected '\(KPISnapshot.schemaName)')")
        }
        guard let version = head.version, (1...KPISnapshot.currentVersion).contains(version) else {
            throw SnapshotError(
                "\(file): snapshot version \(head.version.map(String.init) ?? "none") is not one this Baton reads (1 to \(KPISnapshot.currentVersion)); update Baton"
            )
        }
        let snapshot: KPISnapshot
        do {
            snapshot = try JSONDecoder().decode(KPISnapshot.self, from: data)
        } catch {
            throw SnapshotError("\(file): the snapshot does not read: \(describe(error))")
        }
        if let problem = problem(in: snapshot) { throw SnapshotError("\(file): \(problem)") }
        let intact = (try? digest(of: snapshot)) == snapshot.digest
        return Loaded(snapshot: snapshot, intact: intact)
    }

    /// What makes a snapshot's figures impossible, if anything.
    static func problem(in s: KPISnapshot) -> String? {
        guard (1...maximumDays).contains(s.period.days) else {
            return "a period of \(s.period.days) days (1 to \(maximumDays))"
        }
        guard s.days.count <= maximumDays, s.weeks.count <= maximumDays / 7 + 1, s.kpis.count <= 1_000 else {
            return "more days, weeks or KPIs than a period holds"
        }
        for figures in [s.total] + s.weeks + s.days {
            let counts =
                [
                    figures.days, figures.leads.received, figures.leads.answered, figures.leads.waitingForPerson,
                    figures.leads.unanswered, figures.leads.spam, figures.repliesWithoutPerson,
                    figures.repliesAfterApproval, figures.escalations, figures.deadActions,
                    figures.firstResponse.sample, figures.approvalTurnaround.sample,
                ] + Array(figures.tasksPerAgent.values) + figures.hoursTakenOver.basis.map(\.tasks)
                + [
                    figures.inquiries?.received, figures.inquiries?.answered, figures.inquiries?.waitingForPerson,
                    figures.inquiries?.unanswered, figures.inquiryFirstAnswer?.sample,
                ].compactMap { $0 }
            if counts.contains(where: { $0 < 0 }) { return "a negative count in the figures from \(figures.start)" }
            if figures.hoursTakenOver.basis.contains(where: { !($0.minutesPerTask >= 0 && $0.minutesPerTask <= 1440) })
            {
                return "minutes per task outside 0–1440 in the figures from \(figures.start)"
            }
        }
        for kpi in s.kpis where !kpi.baseline.isFinite || !kpi.target.isFinite || kpi.sample < 0 {
            return "KPI '\(kpi.id)' has a baseline, target or sample that is not a number"
        }
        return nil
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "'\(path(context.codingPath + [key]))' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            return "'\(path(context.codingPath))': \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }
}

/// A snapshot that cannot be read, with what to do about it.
public struct SnapshotError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
