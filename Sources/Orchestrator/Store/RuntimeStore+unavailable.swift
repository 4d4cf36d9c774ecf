import Foundation
import GRDB
import GRDBSQLite

extension RuntimeStore {
    /// Whether `error` is the store unable to write for now — the disk is full, the file is busy,
    /// read-only or failing — rather than refusing what was written: the intake answers it 503 with
    /// `Retry-After`, and the engine tries the batch again, instead of either giving up.
    package func isUnavailable(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return [
            .SQLITE_FULL, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR, .SQLITE_NOMEM, .SQLITE_READONLY,
            .SQLITE_CANTOPEN,
        ].contains(error.resultCode)
    }

    /// Whether `error` is the disk (or the database's page limit) being full.
    package func isFull(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.resultCode == .SQLITE_FULL
    }
}

extension RuntimeStore {
    /// Keeps the write-ahead log and its index (`runtime.sqlite-wal`, `-shm`) when the last
    /// connection closes, instead of deleting them (SQLite's persistent WAL). A start then opens
    /// files that exist and writes into their pages: `baton run` starts on a full disk, where
    /// making the two files again fails (`disk I/O error` while opening), and the log's pages stay
    /// reserved for the next commits. The cost is the log's disk space, kept between runs.
    static func keepWriteAheadLog(_ db: Database) {
        var keep: Int32 = 1
        _ = sqlite3_file_control(db.sqliteConnection, nil, SQLITE_FCNTL_PERSIST_WAL, &keep)
    }
}
