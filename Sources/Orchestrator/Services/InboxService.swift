import Foundation
import ServiceLifecycle

/// The inbox as a long-running service of `baton run`: reads what is new (``InboxReader``), wakes
/// the engine when it stored events, then waits for new mail (IMAP IDLE, else `poll_seconds`). A
/// pass that fails (the server away, the disk full) is said at most once a minute and tried again
/// after the poll interval. On graceful shutdown the wait ends at once; a pass in hand finishes
/// (the service group's timeout bounds it, and a pass cut short is read again, never twice).
public struct InboxService: Service {
    let reader: InboxReader
    let pollInterval: Duration
    let onStored: @Sendable () -> Void
    let log: @Sendable (String) -> Void

    package init(
        reader: InboxReader, pollInterval: Duration, onStored: @escaping @Sendable () -> Void = {},
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.reader = reader
        self.pollInterval = pollInterval
        self.onStored = onStored
        self.log = log
    }

    public func run() async throws {
        let failures = RepeatedFailureLog(log: log)
        let name = reader.source.name
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var failed = false
            do {
                let pass = try await reader.readNew(onStored: onStored)
                if pass.storedCount > 0 { log("read \(Self.describe(pass)) from \(name)") }
                failures.recovered("reading the inbox \(name) works again")
            } catch {
                failed = true
                failures.failed(
                    "could not read the inbox \(name) (trying again in \(pollInterval)): \(error)", cause: "\(error)")
            }
            do {
                try await cancelWhenGracefulShutdown { [failed] in
                    if failed {
                        try await Task.sleep(for: pollInterval)
                    } else {
                        try await reader.source.waitForNew(pollInterval: pollInterval)
                    }
                }
            } catch {
                if Task.isShuttingDownGracefully || Task.isCancelled { break }
                // The wait itself failed (IDLE cut off): wait the poll interval, then read again.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
            }
        }
        await reader.source.close()
    }

    /// `3 emails: 2 lead.received, 1 email.ignored`.
    package static func describe(_ pass: InboxReader.Pass) -> String {
        let count = pass.storedCount
        let kinds = pass.stored.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return "\(count) \(count == 1 ? "email" : "emails"): \(kinds)"
    }
}
