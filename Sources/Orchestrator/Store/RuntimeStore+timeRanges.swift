import Foundation
import GRDB

/// What keeps the listings, reports and metrics costing the day's work rather than the whole
/// history: indexes over time (the audit log by time, leads by arrival, pending approvals), and
/// running counts kept by triggers for the totals `/metrics` reports since the store was made.
extension RuntimeStore {
    /// Upper bounds of the lead response time histogram, in seconds: a second to four hours.
    static let leadResponseBuckets: [Double] = [1, 5, 30, 60, 300, 900, 3600, 14_400]

    /// Registers the migration that adds the time-range indexes and the running counts, and fills
    /// the counts from what the store already holds.
    static func registerTimeRangeMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12: time-range indexes and running counts") { db in
            // The daily report, the KPIs and `baton prune` read the audit log by time.
            try db.execute(sql: "CREATE INDEX audit_at ON audit (at)")
            // The KPIs read the leads that arrived in a period (only leads are in this index).
            try db.execute(sql: "CREATE INDEX event_lead_arrival ON event (created_at) WHERE type = 'lead.received'")
            // `/metrics` and the dashboard count the approvals that wait (only those are in it).
            try db.execute(sql: "CREATE INDEX approval_pending ON approval (id) WHERE status = 'pending'")
            // Totals since the store was made, kept as rows change: one small upsert per event and per
            // outbox item. Counts of what waits now (pending events, queued actions) come from the
            // partial indexes instead, so they need no trigger on the engine's every status change.
            try db.execute(
                sql: """
                    CREATE TABLE runtime_count (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                    CREATE TRIGGER count_event_insert AFTER INSERT ON event BEGIN
                        INSERT INTO runtime_count (name, value) VALUES ('events', 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    CREATE TRIGGER count_event_delete AFTER DELETE ON event BEGIN
                        UPDATE runtime_count SET value = value - 1 WHERE name = 'events';
                        UPDATE runtime_count SET value = value - 1 WHERE name = 'events.cancelled' AND OLD.status = 'cancelled';
                    END;
                    CREATE TRIGGER count_event_cancelled AFTER UPDATE OF status ON event
                    WHEN (OLD.status = 'cancelled') <> (NEW.status = 'cancelled') BEGIN
                        INSERT INTO runtime_count (name, value)
                            VALUES ('events.cancelled', CASE WHEN NEW.status = 'cancelled' THEN 1 ELSE -1 END)
                            ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;
                    END;
                    CREATE TRIGGER count_outbox_insert AFTER INSERT ON outbox BEGIN
                        INSERT INTO runtime_count (name, value) VALUES ('actions.' || NEW.action, 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                        INSERT INTO runtime_count (name, value) SELECT 'actions_dead.' || NEW.action, 1
                            WHERE NEW.status = 'dead' ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    CREATE TRIGGER count_outbox_delete AFTER DELETE ON outbox BEGIN
                        UPDATE runtime_count SET value = value - 1 WHERE name = 'actions.' || OLD.action;
                        UPDATE runtime_count SET value = value - 1
                            WHERE name = 'actions_dead.' || OLD.action AND OLD.status = 'dead';
                    END;
                    CREATE TRIGGER count_outbox_dead AFTER UPDATE OF status ON outbox
                    WHEN (OLD.status = 'dead') <> (NEW.status = 'dead') BEGIN
                        INSERT INTO runtime_count (name, value)
                            VALUES ('actions_dead.' || NEW.action, CASE WHEN NEW.status = 'dead' THEN 1 ELSE -1 END)
                            ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;
                    END;
                    """)
            // A lead's first reply sent: its response time goes in the histogram's bucket, once per case.
            // (The lead's arrival as RuntimeStore+storage.swift defines it; the reply being sent is the
            // first when the case has no other reply sent.)
            let seconds = """
                (SELECT max(0, (julianday(NEW.sent_at) - julianday(arrival)) * 86400.0) AS s
                 FROM (SELECT \(leadArrivalSQL(caseID: "NEW.case_id")) AS arrival) WHERE arrival IS NOT NULL)
                """
            let first = """
                NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = NEW.case_id AND o.action = 'email.send'
                            AND o.status = 'sent' AND o.id <> NEW.id)
                """
            try db.execute(
                sql: """
                    CREATE TRIGGER count_lead_response AFTER UPDATE OF status ON outbox
                    WHEN NEW.status = 'sent' AND OLD.status <> 'sent' AND NEW.action = 'email.send' BEGIN
                        INSERT INTO runtime_count (name, value)
                            SELECT 'lead_response.' || \(bucketSQL("s")), 1 FROM \(seconds) WHERE \(first)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                        INSERT INTO runtime_count (name, value)
                            SELECT 'lead_response_ms', CAST(round(s * 1000) AS INTEGER) FROM \(seconds) WHERE \(first)
                            ON CONFLICT (name) DO UPDATE SET value = value + excluded.value;
                    END;
                    """)
            try fillCounts(db)
        }
    }

    /// The histogram bucket (its upper bound as text, or `+Inf`) of `seconds`, in SQL.
    private static func bucketSQL(_ seconds: String) -> String {
        "CASE "
            + leadResponseBuckets.map { "WHEN \(seconds) <= \($0) THEN '\(bucketName($0))' " }.joined()
            + "ELSE '+Inf' END"
    }

    static func bucketName(_ bound: Double) -> String {
        bound.rounded() == bound ? String(Int(bound)) : String(bound)
    }

    /// The running counts computed from the rows, as they would be had the triggers always been there.
    private static func fillCounts(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO runtime_count (name, value) SELECT 'events', count(*) FROM event;
                INSERT INTO runtime_count (name, value) SELECT 'events.cancelled', count(*) FROM event
                    WHERE status = 'cancelled';
                INSERT INTO runtime_count (name, value) SELECT 'actions.' || action, count(*) FROM outbox GROUP BY action;
                INSERT INTO runtime_count (name, value) SELECT 'actions_dead.' || action, count(*) FROM outbox
                    WHERE status = 'dead' GROUP BY action;
                """)
        // Every lead so far with its first reply: the lead ledger's query over all time.
        let rows = try Row.fetchAll(
            db, sql: leadLedgerSQL, arguments: [StoredDate.text(.distantPast), StoredDate.text(.distantFuture)])
        var buckets: [String: Int] = [:]
        var milliseconds: Int64 = 0
        for row in rows {
            // A date that does not read (a hand edit) leaves that lead out of the counts, never traps.
            guard let received = (try? row.decode(Date?.self, forColumn: "received")) ?? nil,
                let replied = (try? row.decode(Date?.self, forColumn: "replied")) ?? nil
            else { continue }
            let seconds = max(0, replied.timeIntervalSince(received))
            buckets[leadResponseBuckets.first { seconds <= $0 }.map(bucketName) ?? "+Inf", default: 0] += 1
            milliseconds += Int64((seconds * 1000).rounded())
        }
        for (bucket, count) in buckets {
            try db.execute(
                sql: "INSERT INTO runtime_count (name, value) VALUES (?, ?)",
                arguments: ["lead_response." + bucket, count])
        }
        try db.execute(
            sql: "INSERT INTO runtime_count (name, value) VALUES ('lead_response_ms', ?)", arguments: [milliseconds])
    }

    /// The running counts, by name (`events`, `events.cancelled`, `actions.ACTION`, `actions_dead.ACTION`,
    /// `lead_response.BOUND`, `lead_response_ms`).
    static func runningCounts(_ db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, value FROM runtime_count") {
            counts[try row.stored("name", in: "runtime_count", key: "name")] = try row.stored(
                "value", in: "runtime_count", key: "name")
        }
        return counts
    }
}
