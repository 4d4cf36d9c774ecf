import CSQLiteSettings

/// SQLite's process-wide settings, which `CSQLiteSettings` applies as the process loads, before any
/// connection opens: memory statistics off. With them on, every allocation and free SQLite makes
/// takes one mutex shared by every connection (about 1,300 a lead in the orchestrator benchmark),
/// and the writer and the readers contend on it; off, SQLite allocates straight from malloc.
public enum SQLiteProcessSettings {
    /// Whether SQLite took the settings (it refuses them once it has started).
    public static var applied: Bool { baton_sqlite_settings_result() == 0 }
}
