import Dispatch
import GRDB
import GRDBSQLite

/// Copies the write-ahead log into the database off the commit path. SQLite's own automatic
/// checkpoint runs inside whichever commit crosses its threshold, so that commit (an intake
/// request, an engine step) waits for the copy and its fsync: the long tail of the intake's
/// latency. Instead, the writer's WAL hook hands the work to this checkpointer, which runs a
/// passive checkpoint (it never blocks the writer or the readers) on a connection of its own.
final class WALCheckpointer: Sendable {
    /// WAL pages after which a commit asks for a checkpoint (SQLite's default threshold).
    static let threshold: Int32 = 1000

    private let path: String
    private let queue = DispatchQueue(label: "baton.wal-checkpoint")
    /// Its own connection, used only on `queue`.
    private let connection: DatabaseQueue?

    init(path: String) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { RuntimeStore.keepWriteAheadLog($0) }
        connection = try? DatabaseQueue(path: path, configuration: configuration)
    }

    /// Installs the hook on the writer's connection, in place of SQLite's automatic checkpoint.
    func install(on db: Database) {
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, _, _, pages in
                if pages >= WALCheckpointer.threshold, let context {
                    Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue().checkpointSoon()
                }
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// A passive checkpoint on the checkpointer's queue; requests that come while one runs add nothing.
    private func checkpointSoon() {
        guard let connection else { return }
        queue.async {
            // A failure (busy, I/O) leaves the WAL as it is; the next commit over the threshold asks again.
            try? connection.inDatabase { db in
                // A read first: a connection opened before the file went to WAL (a new workspace's
                // store) sees the log only from its next read, and until then its checkpoints did
                // nothing ("log -1") while the log grew by every commit.
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
            }
        }
    }
}
