import Foundation
import GRDB

/// The runtime's SQLite database (WAL, `synchronous = FULL`): events, case contexts, the outbox,
/// approvals, the built-in CRM and calendar, and the audit log.
public final class RuntimeStore: Sendable {
    let database: DatabasePool
    /// The runtime's clock (injected in tests).
    public let clock: @Sendable () -> Date

    /// Opens (creating) the store in `folder`.
    public init(folder: String, clock: @escaping @Sendable () -> Date = Date.init) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var configuration = Configuration()
        // `baton run` and `baton event send` share the file: wait for each other's writes.
        configuration.busyMode = .timeout(10)
        let path = (folder as NSString).appendingPathComponent("runtime.sqlite")
        let checkpointer = WALCheckpointer(path: path)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            Self.keepWriteAheadLog(db)  // a restart on a full disk opens the log (RuntimeStore+unavailable.swift)
            // The writer keeps 2 MiB of pages (what a commit goes back to: the indexes' newest leaves,
            // the cases in hand — a commit of 256 leads touches a few hundred pages); a reader 1 MiB,
            // as SQLite drops a reader's pages whenever the file changed since its last read, which
            // under a stream of commits is every read.
            try db.execute(sql: db.configuration.readonly ? "PRAGMA cache_size = -1024" : "PRAGMA cache_size = -2048")
            // A commit writes each case in a savepoint, whose undo pages (the sub-journal) spill to a
            // temporary file past 64 KiB: a hundred `pwrite`s a lead. In memory they are copies, and
            // go when the savepoint is released (one case's pages at a time).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // The writer's commits hand checkpoints to the checkpointer instead of running them.
            if !db.configuration.readonly { checkpointer.install(on: db) }
        }
        database = try DatabasePool(path: path, configuration: configuration)
        self.checkpointer = checkpointer
        self.clock = clock
        try Self.migrator.migrate(database)
        installID =
            try database.read { try String.fetchOne($0, sql: "SELECT value FROM runtime_meta WHERE key = 'install'") }
            ?? ""
    }

    /// Runs the WAL checkpoints off the commit path; kept alive with the store (the writer's hook
    /// points at it).
    private let checkpointer: WALCheckpointer

    /// The time the writer has spent in the runtime's write transactions, commits included.
    package let writerTime = WriterTime()

    /// This runtime's identity, made once with its database: part of every Message-ID and calendar
    /// UID it sends, so those of another (or a reset) data folder never collide with them.
    public let installID: String

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: runtime") { db in
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("type", .text).notNull()
                t.column("case_id", .text).notNull().indexed()
                t.column("causation_id", .integer)
                t.column("payload_json", .text).notNull()
                t.column("producer", .text).notNull()
                t.column("idempotency_key", .text).unique()
                t.column("status", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("due_at", .datetime)
            }
            try db.create(index: "event_pending", on: "event", columns: ["status", "id"])
            try db.create(table: "case_context") { t in
                t.primaryKey("case_id", .text)
                t.column("context_json", .text).notNull()
                t.column("version", .integer).notNull()
            }
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("idempotency_key", .text).notNull().unique()
                t.column("case_id", .text).notNull()
                t.column("agent", .text).notNull()
                t.column("action", .text).notNull()
                t.column("payload_json", .text).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("sent_at", .datetime)
                t.column("next_attempt_at", .datetime)
                t.column("last_error", .text)
            }
            try db.create(table: "approval") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("case_id", .text).notNull()
                t.column("agent", .text).notNull()
                t.column("action", .text).notNull()
                t.column("proposed_json", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("status", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("approved_json", .text)
                t.column("decision", .text)
                t.column("decided_at", .datetime)
            }
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("case_id", .text).notNull().indexed()
                t.column("agent", .text)
                t.column("kind", .text).notNull()
                t.column("detail", .text).notNull()
            }
            try db.create(table: "crm_lead") { t in
                t.primaryKey("case_id", .text)
                t.column("score", .integer).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(table: "ledger") { t in
                t.primaryKey("idempotency_key", .text)
                t.column("vendor", .text).notNull()
                t.column("amount", .text).notNull()
                t.column("recorded_at", .datetime).notNull()
            }
            try db.create(table: "schedule_state") { t in
                t.primaryKey("name", .text)
                t.column("last_run", .datetime).notNull()
            }
            try db.create(table: "calendar_busy") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("starts_at", .datetime).notNull()
                t.column("ends_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v2: indexes for due work") { db in
            try db.create(index: "event_due", on: "event", columns: ["status", "due_at"])
            try db.create(index: "outbox_due", on: "outbox", columns: ["status", "next_attempt_at"])
            try db.create(index: "outbox_case_action", on: "outbox", columns: ["case_id", "action"])
            try db.create(index: "outbox_agent_time", on: "outbox", columns: ["agent", "created_at"])
        }
        migrator.registerMigration("v3: lighter event and audit tables") { db in
            // Only waiting events are indexed for the engine (an event leaves the index when done), and
            // only keyed events for idempotency: the table is rebuilt to drop the column's full UNIQUE.
            // Events and audit lines are never deleted, so plain rowids stay increasing without
            // AUTOINCREMENT's extra write per row.
            try db.execute(
                sql: """
                    CREATE TABLE event_v3 (
                        id INTEGER PRIMARY KEY, type TEXT NOT NULL, case_id TEXT NOT NULL,
                        causation_id INTEGER, payload_json TEXT NOT NULL, producer TEXT NOT NULL,
                        idempotency_key TEXT, status TEXT NOT NULL, created_at DATETIME NOT NULL, due_at DATETIME);
                    INSERT INTO event_v3 SELECT id, type, case_id, causation_id, payload_json, producer, idempotency_key,
                        status, created_at, due_at FROM event;
                    DROP TABLE event;
                    ALTER TABLE event_v3 RENAME TO event;
                    CREATE INDEX event_case ON event (case_id);
                    CREATE UNIQUE INDEX event_idempotency ON event (idempotency_key) WHERE idempotency_key IS NOT NULL;
                    CREATE INDEX event_ready ON event (id) WHERE status = 'pending' AND due_at IS NULL;
                    CREATE INDEX event_delayed ON event (due_at) WHERE status = 'pending' AND due_at IS NOT NULL;
                    CREATE TABLE audit_v3 (
                        id INTEGER PRIMARY KEY, at DATETIME NOT NULL, case_id TEXT NOT NULL, agent TEXT,
                        kind TEXT NOT NULL, detail TEXT NOT NULL);
                    INSERT INTO audit_v3 SELECT id, at, case_id, agent, kind, detail FROM audit;
                    DROP TABLE audit;
                    ALTER TABLE audit_v3 RENAME TO audit;
                    CREATE INDEX audit_case ON audit (case_id);
                    """)
        }
        migrator.registerMigration("v4: each step's notes on its audit line") { db in
            try db.alter(table: "audit") { t in t.add(column: "notes_json", .text) }
        }
        migrator.registerMigration("v5: approval evidence and revisions") { db in
            try db.alter(table: "approval") { t in
                t.add(column: "evidence_json", .text)
                t.add(column: "revises", .integer)
            }
        }
        migrator.registerMigration("v6: calendar sources and bookings") { db in
            // `builtin` (entered here), `external` (read from a CalDAV or ICS calendar, replaced at each
            // sync) and `booked` (a meeting the scheduling agent booked, keyed by its action).
            try db.alter(table: "calendar_busy") { t in
                t.add(column: "source", .text).notNull().defaults(to: "builtin")
                t.add(column: "booking_key", .text)
                t.add(column: "title", .text)
            }
            try db.execute(
                sql: "CREATE UNIQUE INDEX calendar_booking ON calendar_busy (booking_key) WHERE booking_key IS NOT NULL"
            )
        }
        migrator.registerMigration("v7: CRM contacts") { db in
            try db.create(table: "crm_contact") { t in
                t.primaryKey("email", .text)
                t.column("name", .text)
                t.column("phone", .text)
                t.column("company", .text)
                t.column("status", .text)
                t.column("notes", .text)
                t.column("updated_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v8: dashboard access") { db in
            try db.create(table: "dashboard_token") { t in
                t.primaryKey("hash", .text)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "dashboard_session") { t in
                t.primaryKey("id", .text)
                t.column("csrf", .text).notNull()
                t.column("expires_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v9: this runtime's identity") { db in
            // Made once: it keeps Message-IDs and calendar UIDs from two data folders (or a reset one) apart.
            try db.create(table: "runtime_meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.execute(
                sql: "INSERT INTO runtime_meta (key, value) VALUES ('install', ?)",
                arguments: [UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()])
        }
        migrator.registerMigration("v10: failed events and dead letters") { db in
            // An event whose processing fails is tried again with the next batch, at most the engine's
            // `maxEventAttempts` times; then it is `dead` and waits for a person. Only dead events are
            // indexed by the time they died (for the daily report and `baton event list --dead`).
            try db.alter(table: "event") { t in
                t.add(column: "attempts", .integer).notNull().defaults(to: 0)
                t.add(column: "last_error", .text)
                t.add(column: "dead_at", .datetime)
            }
            try db.execute(sql: "CREATE INDEX event_dead ON event (dead_at) WHERE status = 'dead'")
        }
        migrator.registerMigration("v11: approval timeout steps") { db in
            // What an approval's timeout has done (reminded, escalated) is control state, kept on the
            // approval itself; the audit log only records it.
            try db.alter(table: "approval") { t in
                t.add(column: "reminded_at", .datetime)
                t.add(column: "reminded_to", .text)
                t.add(column: "escalated_at", .datetime)
                t.add(column: "escalated_to", .text)
            }
        }
        registerTimeRangeMigration(&migrator)
        registerIntakeTrustMigration(&migrator)
        registerDashboardMigration(&migrator)
        registerDeferredMigration(&migrator)
        registerInvoiceMigration(&migrator)
        registerInboxMigration(&migrator)
        registerOutcomeMigration(&migrator)
        registerInquiryMigration(&migrator)
        registerCountedWritesMigration(&migrator)
        return migrator
    }

    /// Stores an event durably and returns its id; a repeated idempotency key returns the first id.
    @discardableResult
    public func submit(
        type: String, caseID: String, payload: [String: Any], producer: String, idempotencyKey: String? = nil
    ) throws -> Int64 {
        try store(type: type, caseID: caseID, payload: payload, producer: producer, idempotencyKey: idempotencyKey).id
    }

    /// Stores an event durably, once per idempotency key: the id, and whether this call stored it
    /// (false when the key was stored before).
    public func store(
        type: String, caseID: String, payload: [String: Any], producer: String, idempotencyKey: String? = nil
    ) throws -> (id: Int64, isNew: Bool) {
        let json = String(
            decoding: try JSONSerialization.data(
                withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        let now = clock()
        return try database.write { db in
            if let key = idempotencyKey,
                let existing = try EventRecord.filter(Column("idempotency_key") == key).fetchOne(db)
            {
                return (existing.id!, false)
            }
            let event = EventRecord(
                id: nil, type: type, caseID: caseID, causationID: nil, payloadJSON: json, producer: producer,
                idempotencyKey: idempotencyKey,
                status: .pending, createdAt: now, dueAt: nil)
            try event.insert(db)
            try RunningCountDeltas.add(db, RunningCountDeltas.events, 1)
            return (db.lastInsertedRowID, true)
        }
    }

    /// Marks a time as busy in the built-in calendar.
    public func addBusy(from start: Date, to end: Date) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO calendar_busy (starts_at, ends_at) VALUES (?, ?)", arguments: [start, end])
        }
    }

    /// One event by id.
    public func event(_ id: Int64) throws -> EventRecord? {
        try database.read { try EventRecord.fetchOne($0, key: id) }
    }

    /// The meetings the scheduling agent booked, by start.
    public func bookings() throws -> [(start: Date, end: Date, title: String, key: String)] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT starts_at, ends_at, title, booking_key FROM calendar_busy WHERE source = 'booked' ORDER BY starts_at"
            ).map {
                let table = "calendar_busy"
                return (
                    try $0.stored("starts_at", in: table, key: "booking_key"),
                    try $0.stored("ends_at", in: table, key: "booking_key"),
                    try $0.stored("title", in: table, key: "booking_key", as: String?.self) ?? "",
                    try $0.stored("booking_key", in: table, key: "booking_key")
                )
            }
        }
    }

    public func events(caseID: String? = nil) throws -> [EventRecord] {
        try database.read { db in
            var request = EventRecord.order(Column("id"))
            if let caseID { request = request.filter(Column("case_id") == caseID) }
            return try request.fetchAll(db)
        }
    }

    /// The outbox, oldest first; only the items after `id` when given.
    public func outbox(after id: Int64 = 0) throws -> [OutboxItem] {
        try database.read { try OutboxItem.filter(Column("id") > id).order(Column("id")).fetchAll($0) }
    }

    public func approvals() throws -> [ApprovalRecord] {
        try database.read { try ApprovalRecord.order(Column("id")).fetchAll($0) }
    }

    public func audit(caseID: String? = nil) throws -> [AuditEntry] {
        try database.read { try Self.audit($0, caseID: caseID) }
    }

    /// The shared context of a case: each agent's notes under its own key.
    public func context(caseID: String) throws -> (notes: [String: [String: String]], version: Int) {
        try database.read { db in try Self.context(db, caseID) }
    }

    /// A case's context. Lenient by default, for showing a case: a stored row that does not read is
    /// an empty context. `strict` (the engine's step) throws instead, saying why: a step must not
    /// write over a context it could not read.
    static func context(_ db: Database, _ caseID: String, strict: Bool = false) throws
        -> (notes: [String: [String: String]], version: Int)
    {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT context_json, version FROM case_context WHERE case_id = ?"),
                arguments: [caseID])
        else {
            return ([:], 0)
        }
        func notes(_ json: String) -> [String: [String: String]]? {
            try? JSONDecoder().decode([String: [String: String]].self, from: Data(json.utf8))
        }
        if strict {
            let version = try row.decode(Int.self, forColumn: "version")
            guard let notes = notes(try row.decode(String.self, forColumn: "context_json")) else {
                throw UnreadableData(description: "the case's context_json is not a JSON object of agents' notes")
            }
            return (notes, version)
        }
        let json = (try? row.decode(String.self, forColumn: "context_json")) ?? ""
        return (notes(json) ?? [:], (try? row.decode(Int.self, forColumn: "version")) ?? 0)
    }

    /// The lead score the built-in CRM holds for a case.
    public func crmScore(caseID: String) throws -> Int? {
        try database.read {
            try Int.fetchOne($0, sql: "SELECT score FROM crm_lead WHERE case_id = ?", arguments: [caseID])
        }
    }
}
