import CFileSync
import Foundation

/// Writes a batch of outbox files durably with one flush instead of one per file: each message
/// goes to a temporary file of this process, then `publish()` syncs the filesystem once, links
/// every file into place (never over an existing one) and syncs the folder. A file is visible only
/// when complete and on disk; a name that already exists is never rewritten (the effect happened
/// before a crash: it is only recorded, once it too is known to be on disk).
struct EmailBatch {
    let folder: String
    /// Temporary files waiting to be published, with the outbox item each one carries out.
    private var staged: [(temporary: String, final: String, id: Int64)] = []
    /// Files already in place (from before a crash), made durable before they are recorded.
    private var adopted: [Int64] = []

    init(folder: String) {
        self.folder = folder
    }

    /// Stages `text` as `name` in the folder, unless a file of that name is already there.
    mutating func write(_ text: String, as name: String, for id: Int64) throws {
        try write(Array(text.utf8), as: name, for: id)
    }

    /// Stages `bytes` as `name` in the folder, unless a file of that name is already there.
    mutating func write(_ bytes: [UInt8], as name: String, for id: Int64) throws {
        let path = (folder as NSString).appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: path) else {
            adopted.append(id)
            return
        }
        // This process's own temporary name: two writers never share one.
        let temporary = Self.temporaryName(for: path, pid: getpid())
        // Plain write(2): Foundation's file writing syncs each file, the very cost this type avoids.
        let file = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard file >= 0 else { throw EmailBatchError(path: temporary, errno: errno) }
        defer { close(file) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(file, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw EmailBatchError(path: temporary, errno: errno) }
            written += n
        }
        staged.append((temporary, path, id))
    }

    /// Makes the staged files durable and visible, and the adopted ones durable; returns the items
    /// whose file failed, with why.
    mutating func publish() -> [Int64: String] {
        defer {
            staged = []
            adopted = []
        }
        guard !staged.isEmpty || !adopted.isEmpty else { return [:] }
        let directory = open(folder, O_RDONLY | O_DIRECTORY)
        guard directory >= 0 else { return failAll("cannot open \(folder): \(String(cString: strerror(errno)))") }
        defer { close(directory) }
        // Data first, then names: a crash leaves at most temporary files, which the retry rewrites.
        guard baton_syncfs(directory) == 0 else { return failAll("sync failed: \(String(cString: strerror(errno)))") }
        var failures: [Int64: String] = [:]
        for file in staged {
            // link(2) fails rather than replace a file another writer published meanwhile: that one stands.
            if link(file.temporary, file.final) != 0 && errno != EEXIST {
                failures[file.id] = "cannot publish \(file.final): \(String(cString: strerror(errno)))"
            }
            unlink(file.temporary)
        }
        if fsync(directory) != 0 { return failAll("folder sync failed: \(String(cString: strerror(errno)))") }
        return failures
    }

    /// `NAME.PID.tmp`: the writer's process id in the name, so that a crashed writer's leftovers
    /// are known as such (``removeStaleTemporaryFiles(in:)``).
    static func temporaryName(for path: String, pid: pid_t) -> String {
        path + ".\(pid).tmp"
    }

    /// Removes the temporary files a writer that is gone left in `folder` (a crash between writing
    /// and publishing): only names of this type's pattern (`*.eml.PID.tmp`), only regular files, and
    /// only when that process is no longer running or is this one (a restart that got the same
    /// id, as in a container). Returns the names removed.
    @discardableResult
    static func removeStaleTemporaryFiles(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        let me = getpid()
        var removed: [String] = []
        for name in names where name.hasSuffix(".tmp") {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 4, parts[parts.count - 3] == "eml", let pid = pid_t(parts[parts.count - 2]), pid > 0,
                String(pid) == parts[parts.count - 2]
            else { continue }
            let isGone = kill(pid, 0) != 0 && errno == ESRCH
            guard isGone || pid == me else { continue }
            let path = (folder as NSString).appendingPathComponent(name)
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, unlink(path) == 0 else { continue }
            removed.append(name)
        }
        return removed.sorted()
    }

    private func failAll(_ reason: String) -> [Int64: String] {
        Dictionary((staged.map(\.id) + adopted).map { ($0, reason) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A file of the batch could not be written.
struct EmailBatchError: Error, CustomStringConvertible {
    let path: String
    let errno: Int32
    var description: String { "cannot write \(path): \(String(cString: strerror(errno)))" }
}
