import Foundation

/// Makes sure one `baton run` at a time works on a data folder: two dispatchers on one outbox could
/// each send what the other is sending. An advisory lock (flock) on `run.lock`, held for the
/// process's life and released by the kernel however it ends, kill -9 included.
public final class RunLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock, or says who holds it.
    public init(folder: String) throws {
        let path = (folder as NSString).appendingPathComponent("run.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw RuntimeError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines)
            close(descriptor)
            throw RuntimeError(
                "another `baton run` is using \(folder)\(holder.map { $0.isEmpty ? "" : " (process \($0))" } ?? ""); stop it first, or give this one its own --data-dir"
            )
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
