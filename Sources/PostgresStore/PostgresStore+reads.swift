import Blueprint
import Foundation
import Orchestrator
import PostgresNIO
import Signing

/// The read side: PostgresNIO's async queries on a pooled connection (no thread waits).
extension PostgresStore {
    /// Every row `query` returns.
    func rows(_ query: PostgresQuery) async throws -> [StoredRow] {
        var rows: [StoredRow] = []
        for try await row in try await client.query(query, logger: logger) { rows.append(StoredRow(row)) }
        return rows
    }

    /// The first column of the first row `query` returns, if any.
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? {
        for try await row in try await client.query(query, logger: logger) { return try row.decode(T.self) }
        return nil
    }

    /// The approval `id` if it is an override of `caseID` that no revision answers yet.
    static func openOverrideQuery(_ id: Int64, caseID: String) -> PostgresQuery {
        """
        SELECT * FROM approval a WHERE a.id = \(id) AND a.status = 'overridden' AND a.case_id = \(caseID)
        AND NOT EXISTS (SELECT 1 FROM approval r WHERE r.revises = a.id)
        """
    }

    /// The insert of one audit line.
    static func auditInsert(
        at: Date, caseID: String, agent: String?, kind: AuditKind, detail: String, notesJSON: String? = nil
    ) -> PostgresQuery {
        """
        INSERT INTO audit (at, case_id, agent, kind, detail, notes_json)
        VALUES (\(StoredTime.rounded(at)), \(caseID), \(agent), \(kind.rawValue), \(detail), \(notesJSON))
        """
    }

    package func emailsBefore(_ id: Int64, caseID: String) async throws -> Int {
        try await value(
            """
            SELECT count(*) FROM outbox WHERE case_id = \(caseID) AND action = \(ActionKind.emailSend.rawValue)
            AND id < \(id) AND status IN ('queued', 'sent')
            """, as: Int.self) ?? 0
    }

    package func auditCounts(from: Date, to: Date) async throws -> [AuditCount] {
        try await rows(
            """
            SELECT agent, kind, count(*) AS n FROM audit WHERE at >= \(from) AND at < \(to) GROUP BY agent, kind
            """
        ).map { AuditCount(agent: try $0("agent"), kind: AuditKind(rawValue: try $0("kind")), lines: try $0("n")) }
    }

    package func auditLines(from: Date, to: Date, kinds: [AuditKind]) async throws -> [AuditEntry] {
        try await rows(
            """
            SELECT * FROM audit WHERE at >= \(from) AND at < \(to) AND kind = ANY(\(kinds.map(\.rawValue))) ORDER BY id
            """
        ).map { try $0.auditEntry() }
    }

    package func deadLetters(from: Date, to: Date) async throws -> [EventRecord] {
        try await rows(
            """
            SELECT * FROM event WHERE status = 'dead' AND dead_at >= \(from) AND dead_at < \(to)
            ORDER BY dead_at DESC, id DESC
            """
        ).map { try $0.event() }
    }

    package func metricsFacts(at now: Date) async throws -> MetricsFacts {
        var totals: [String: Int] = [:]
        // A count is the sum of its shards (PostgresSchema v2).
        for row in try await rows("SELECT name, sum(value)::bigint AS value FROM runtime_count GROUP BY name") {
            totals[try row("name")] = try row("value")
        }
        var waiting: [String: [String: Int]] = [:]
        for row in try await rows(
            "SELECT action, status, count(*) AS n FROM outbox WHERE status IN ('queued', 'held') GROUP BY action, status")
        {
            waiting[try row("action", as: String.self), default: [:]][try row("status")] = try row("n")
        }
        let counts = try await rows(
            """
            SELECT
                (SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NULL) AS ready,
                (SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NOT NULL) AS delayed,
                (SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NOT NULL AND due_at <= \(now)) AS due,
                (SELECT count(*) FROM event WHERE status = 'dead') AS dead,
                (SELECT count(*) FROM approval WHERE status = 'pending') AS approvals
            """)
        guard let row = counts.first else { throw MissingRow(table: "counts", id: nil) }
        return MetricsFacts(
            totals: totals, ready: try row("ready"), delayed: try row("delayed"), dueDelayed: try row("due"),
            dead: try row("dead"), waitingActions: waiting, pendingApprovals: try row("approvals"))
    }

    package func lastRun(_ job: String) async throws -> Date? {
        try await value("SELECT last_run FROM schedule_state WHERE name = \(job)", as: Date.self)
    }

    package func auditAsync(caseID: String?) async throws -> [AuditEntry] {
        let query: PostgresQuery =
            if let caseID { "SELECT * FROM audit WHERE case_id = \(caseID) ORDER BY id" } else {
                "SELECT * FROM audit ORDER BY id"
            }
        return try await rows(query).map { try $0.auditEntry() }
    }

    package func contextAsync(caseID: String) async throws -> (notes: [String: [String: String]], version: Int) {
        guard let row = try await rows("SELECT context_json, version FROM case_context WHERE case_id = \(caseID)").first
        else { return ([:], 0) }
        let notes = Self.notes(try row("context_json", as: String.self)) ?? [:]
        return (notes, try row("version"))
    }

    /// A context's stored JSON as each agent's notes; nil when it is not that.
    static func notes(_ json: String) -> [String: [String: String]]? {
        try? JSONDecoder().decode([String: [String: String]].self, from: Data(json.utf8))
    }

    package func isCaseToken(_ token: String, for caseID: String) async throws -> Bool {
        CaseToken.verify(token, caseID: caseID, key: try await caseLinkKey())
    }

    /// The install's case-link key (also the booking links', ``BookingStorage``): its identity and
    /// its secret, so two tenants never share tokens.
    package func caseLinkKey() async throws -> String {
        var values: [String: String] = [:]
        for row in try await rows("SELECT key, value FROM runtime_meta WHERE key IN ('install', 'case_link_key')") {
            values[try row("key")] = try row("value")
        }
        guard let secret = values["case_link_key"], !secret.isEmpty else {
            throw MissingRow(table: "runtime_meta (case_link_key)", id: nil)
        }
        return "\(values["install"] ?? ""):\(secret)"
    }
}
