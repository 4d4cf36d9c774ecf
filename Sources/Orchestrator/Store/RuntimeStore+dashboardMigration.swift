import GRDB

extension RuntimeStore {
    /// Revocable dashboard tokens (an id, a label, when last used) whose sessions belong to them;
    /// pending approvals listed a page at a time; approval timeouts found by their due time.
    static func registerDashboardMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("dashboard: revocable tokens, paged approvals, timeouts by due time") { db in
            try db.execute(
                sql: """
                    CREATE TABLE dashboard_token_v2 (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT NOT NULL UNIQUE, label TEXT,
                        created_at DATETIME NOT NULL, last_used_at DATETIME);
                    INSERT INTO dashboard_token_v2 (hash, created_at)
                        SELECT hash, created_at FROM dashboard_token ORDER BY created_at;
                    DROP TABLE dashboard_token;
                    ALTER TABLE dashboard_token_v2 RENAME TO dashboard_token;
                    -- A session from before cannot be tied to its token (so could not be revoked with it):
                    -- its holder signs in again.
                    DELETE FROM dashboard_session;
                    ALTER TABLE dashboard_session ADD COLUMN token_id INTEGER NOT NULL DEFAULT 0;
                    CREATE INDEX dashboard_session_token ON dashboard_session (token_id);
                    CREATE INDEX dashboard_session_expiry ON dashboard_session (expires_at);
                    -- When the approval's next timeout step may be due (NULL: not worked out yet, e.g. a
                    -- new approval). Only pending approvals are indexed: a decided one leaves the index.
                    ALTER TABLE approval ADD COLUMN timeout_at DATETIME;
                    CREATE INDEX approval_timeout ON approval (timeout_at) WHERE status = 'pending';
                    CREATE INDEX approval_pending_kind ON approval (action, agent, id) WHERE status = 'pending';
                    """)
        }
    }
}
