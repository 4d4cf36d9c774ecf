import GRDB

/// What a write transaction adds to the running counts (`runtime_count`), summed in memory and
/// written once, when the transaction ends.
///
/// The engine's commit stores hundreds of events and actions at a time; a trigger that added each
/// one to its count row by row was about a quarter of the commit's SQL. So the writers of those
/// rows count them: the events the engine emits (``SQLiteTransaction/insertEvent(_:)``) and every
/// action queued in the outbox. The events stored without a cause (the intake's, an override's)
/// and the events cancelled are counted by their writers too (``add(_:_:_:)``): a trigger on a
/// table makes SQLite keep a statement journal for every write to it, the engine's included, even
/// when the trigger's condition leaves it out. Triggers still count rows deleted, actions that die
/// and replies sent, which the engine's commit does not write.
final class RunningCountDeltas {
    /// The sums not written yet, by count name.
    var pending: [String: Int] = [:]

    /// Adds `amount` to the count `name` when the transaction ends.
    func add(_ name: String, _ amount: Int = 1) { pending[name, default: 0] += amount }

    /// Adds the sums to the stored counts and starts again from none.
    func write(_ db: Database) throws {
        for (name, amount) in pending where amount != 0 { try Self.add(db, name, amount) }
        pending = [:]
    }

    /// Adds `amount` to the stored count `name` now.
    static func add(_ db: Database, _ name: String, _ amount: Int) throws {
        guard amount != 0 else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO runtime_count (name, value) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
                """
        ).execute(arguments: [name, amount])
    }

    /// The count of actions queued of `kind`.
    static func queued(_ kind: String) -> String { "actions." + kind }

    /// The count of every event stored.
    static let events = "events"
    /// The count of events cancelled.
    static let cancelled = "events.cancelled"
}

extension RuntimeStore {
    /// Registers the migration that leaves the counting of emitted events and queued actions to
    /// their writers (``RunningCountDeltas``): the trigger on events counts only those without a
    /// cause (the engine's emitted events always have one), and the one on the outbox goes.
    static func registerCountedWritesMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("counts: emitted events and queued actions counted by their writers") { db in
            try db.execute(
                sql: """
                    DROP TRIGGER count_event_insert;
                    CREATE TRIGGER count_event_insert AFTER INSERT ON event WHEN NEW.causation_id IS NULL BEGIN
                        INSERT INTO runtime_count (name, value) VALUES ('events', 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    DROP TRIGGER count_outbox_insert;
                    """)
        }
        migrator.registerMigration("counts: events without a cause and cancelled events counted by their writers") {
            db in
            try db.execute(sql: "DROP TRIGGER count_event_insert; DROP TRIGGER count_event_cancelled")
        }
    }
}
