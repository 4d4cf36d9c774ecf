import NIOCore
import Synchronization

/// An open, signed-in IMAP connection with its mailbox selected, kept between the inbox's calls.
/// The channel lives in a task of its own (inside `NIOAsyncChannel.executeThenClose`, which closes
/// it however the task ends); callers hand it jobs, run one at a time in order, so two calls never
/// interleave their commands on the wire.
final class IMAPConnection: Sendable {
    /// Work to do with the session, or to fail with why the connection is gone.
    private struct Job: Sendable {
        let run: @Sendable (Result<IMAPSession, Error>) async -> Void
    }

    private let jobs: AsyncStream<Job>.Continuation
    private let task: Task<Void, Never>
    /// The channel, once connected: closed to cancel the job in progress.
    private let channel: ChannelBox

    private init(jobs: AsyncStream<Job>.Continuation, task: Task<Void, Never>, channel: ChannelBox) {
        self.jobs = jobs
        self.task = task
        self.channel = channel
    }

    /// Connects, signs in and selects the mailbox; throws when any of it fails.
    static func open(_ configuration: IMAPConfiguration) async throws -> IMAPConnection {
        let (stream, continuation) = AsyncStream<Job>.makeStream()
        let channel = ChannelBox()
        let task = Task {
            do {
                try await IMAPSession.connect(configuration) { session in
                    channel.value.withLock { $0 = session.channel }
                    var pending = stream.makeAsyncIterator()
                    while let job = await pending.next() {
                        await job.run(.success(session))
                        if session.broken || !session.channel.isActive { break }
                    }
                    // A server that broke the protocol gets no LOGOUT (nor the timeout it could cost).
                    if !session.broken { await session.logout() }
                    continuation.finish()
                    while let job = await pending.next() {
                        await job.run(.failure(IMAPError.connection("the connection is closed")))
                    }
                }
            } catch {
                // Not connected: every job fails with why.
                continuation.finish()
                var pending = stream.makeAsyncIterator()
                while let job = await pending.next() { await job.run(.failure(error)) }
            }
        }
        let connection = IMAPConnection(jobs: continuation, task: task, channel: channel)
        do {
            try await connection.perform { try await $0.open() }
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Runs `body` with the session once the jobs before it are done. Cancelling the calling task
    /// closes the connection (the job in progress then fails, and the caller sees the cancellation).
    func perform<Result: Sendable>(_ body: @escaping @Sendable (IMAPSession) async throws -> Result) async throws
        -> Result
    {
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Result, Error>) in
                    let job = Job { session in
                        do {
                            waiter.resume(returning: try await body(try session.get()))
                        } catch {
                            // Only a command the server refused leaves the conversation where it was.
                            if let open = try? session.get(),
                                ![.refused, .authentication].contains((error as? IMAPError)?.kind)
                            {
                                open.broken = true
                            }
                            waiter.resume(throwing: error)
                        }
                    }
                    if case .terminated = jobs.yield(job) {
                        waiter.resume(throwing: IMAPError.connection("the connection is closed"))
                    }
                }
            } onCancel: {
                channel.value.withLock { $0 }?.close(promise: nil)
            }
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
    }

    /// Whether the channel still stands.
    var isOpen: Bool { channel.value.withLock { $0 }?.isActive ?? false }

    /// LOGOUT (after the job in progress), then closes; returns when the connection is closed.
    func close() async {
        jobs.finish()
        await task.value
    }
}

/// The channel of a connection, set once it is open, for whoever must close it.
private final class ChannelBox: Sendable {
    let value = Mutex<Channel?>(nil)
}
