import Foundation

/// Runs blocking work (sockets, `waitUntilExit`, a pseudo-terminal, Python) on a thread of its own
/// and awaits its result, never holding one of the cooperative pool's threads (two on a two-core
/// machine, shared by every test of the suite).
public func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
