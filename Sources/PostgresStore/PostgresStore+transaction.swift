import Foundation
import NIOCore
import Orchestrator
import PostgresNIO

/// The write side: ``RuntimeStorage/transaction(_:)`` and the store's own writes, each one
/// PostgreSQL transaction on a leased connection, its synchronous body run on a transaction thread.
extension PostgresStore {
    package func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any RuntimeTransaction) throws -> T
    ) async throws -> T {
        try await write { tx in try body(tx) }
    }

    /// Runs `body` in one transaction on a transaction thread: committed when it returns (what it
    /// held written and the worker's settled leases given back first), rolled back when it
    /// throws. A query that times out closes its connection, so the server rolls back whatever it
    /// held.
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresTransaction) throws -> T) async throws -> T {
        let (logger, timeout, worker) = (logger, queryTimeout, worker)
        return try await client.withConnection { connection in
            try await threads.run {
                let tx = PostgresTransaction(connection: connection, logger: logger, timeout: timeout, worker: worker)
                do {
                    tx.pipeline("BEGIN")
                    let result = try body(tx)
                    try tx.commit()
                    return result
                } catch {
                    if error is QueryTimeout {
                        connection.close().whenComplete { _ in }
                    } else {
                        try? tx.rollback()
                    }
                    throw (error as? RefusedAhead)?.error ?? error
                }
            }
        }
    }

    /// The server refused the write (a constraint, a trigger, a value it cannot hold), rather than
    /// failing to write it (a lost connection, a timeout, no room, a conflict to try again).
    package func isRefusal(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        return Self.refuses(error)
    }

    /// Whether the server refused the write (``isRefusal(_:)``).
    static func refuses(_ error: PSQLError) -> Bool {
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return !isTransient(state)
    }

    /// The server cannot write for now: unreachable, timed out, out of room, shutting down, or a
    /// serialization conflict or deadlock (tried again as it is).
    package func isUnavailable(_ error: any Error) -> Bool {
        if error is QueryTimeout { return true }
        guard let error = error as? PSQLError else { return false }
        guard error.code == .server else { return true }
        return error.serverInfo?[.sqlState].map(Self.isTransient) ?? true
    }

    /// SQLSTATE classes of a server that cannot do the work now: connection (08), transaction
    /// rollback (40: serialization, deadlock), resources (53), lock not available (55P03), operator
    /// intervention (57: shutdown, statement timeout), system (58), read-only (25006).
    private static func isTransient(_ state: String) -> Bool {
        ["08", "40", "53", "57", "58"].contains(String(state.prefix(2))) || state == "55P03" || state == "25006"
    }
}
