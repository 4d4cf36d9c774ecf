import Foundation
import GRDB

/// A long history made quickly, for benchmarks and tests: one real case, copied many times.
extension RuntimeStore {
    /// Copies case `caseID` of `template` (every row the engine and the dispatcher wrote for it:
    /// events, outbox, approvals, audit, context, CRM score) `copies` times into this store, as cases
    /// `PREFIX-0`, `PREFIX-1`, …, each shifted in time so that the copies spread evenly over the `days`
    /// days before `end`, oldest first. Rows go straight into the tables, `batch` cases per
    /// transaction (the triggers keep the running counts as for any write). The history is settled:
    /// a copied event still pending (a reminder not yet due) is stored done, so nothing of it waits.
    ///
    /// - Returns: how many rows were written.
    @discardableResult
    public func copyHistory(
        of caseID: String, from template: RuntimeStore, copies: Int, prefix: String = "history", days: Int,
        endingAt end: Date, batch: Int = 5_000
    ) throws -> Int {
        let tables = ["event", "outbox", "approval", "audit", "case_context", "crm_lead"]
        let rows = try template.database.read { db in
            try tables.map { table in
                let order = ["case_context", "crm_lead"].contains(table) ? "" : " ORDER BY id"
                return try Row.fetchAll(
                    db, sql: "SELECT * FROM \(table) WHERE case_id = ?\(order)", arguments: [caseID])
            }
        }
        guard let origin: Date = try rows[0].first?.stored("created_at", in: "event") else { return 0 }
        let dateColumns: Set<String> = [
            "created_at", "due_at", "dead_at", "sent_at", "next_attempt_at", "decided_at", "at", "updated_at",
            "reminded_at", "escalated_at",
        ]
        let span = Double(days) * 86_400 / Double(max(1, copies))
        let start = end.addingTimeInterval(-Double(days) * 86_400)
        var written = 0
        var copy = 0
        while copy < copies {
            let upTo = min(copies, copy + batch)
            try database.write { db in
                for index in copy..<upTo {
                    let newID = "\(prefix)-\(index)"
                    let offset = start.addingTimeInterval((Double(index) + 0.5) * span).timeIntervalSince(origin)
                    var eventIDs: [Int64: Int64] = [:]
                    for (table, tableRows) in zip(tables, rows) {
                        for row in tableRows {
                            var columns: [String] = []
                            var values: [DatabaseValueConvertible?] = []
                            for column in row.columnNames where column != "id" {
                                let value = row[column] as DatabaseValue
                                columns.append(column)
                                switch column {
                                case "case_id": values.append(newID)
                                case _ where dateColumns.contains(column) && !value.isNull:
                                    values.append(
                                        StoredDate.text(
                                            (try row.stored(column, in: table, as: Date.self)).addingTimeInterval(
                                                offset)))
                                case "idempotency_key" where table == "event": values.append(nil)
                                case "idempotency_key", "payload_json", "context_json", "detail", "notes_json",
                                    "proposed_json", "approved_json", "evidence_json":
                                    let raw = try row.stored(column, in: table, as: String?.self)
                                    let text = raw.map {
                                        $0.replacingOccurrences(of: caseID, with: newID)
                                    }
                                    values.append(
                                        column == "idempotency_key" && text == raw ? text! + "@" + newID : text)
                                case "causation_id":
                                    values.append(
                                        (try row.stored(column, in: table, as: Int64?.self)).flatMap { eventIDs[$0] })
                                case "revises": values.append(nil)
                                case "status" where table == "event" && String.fromDatabaseValue(value) == "pending":
                                    values.append("done")
                                default: values.append(value)
                                }
                            }
                            let sql =
                                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
                            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(values))
                            if table == "event", let old = try row.stored("id", in: table, as: Int64?.self) {
                                eventIDs[old] = db.lastInsertedRowID
                            }
                            written += 1
                        }
                    }
                }
            }
            copy = upTo
        }
        return written
    }
}
