import Foundation

/// The embedded inbox: a Maildir (messages delivered into `new/`, moved to `cur/` once stored) or,
/// when the folder has no `new/`, a plain drop folder of `.eml` files (moved to its `cur/` once
/// stored). For tests, and for a business whose mail server or forwarding rule writes files.
///
/// A folder that does not exist is made as an empty Maildir. A Maildir's delivery agent writes each message into `tmp/` and renames it into `new/`, so a file
/// in `new/` is always whole; a program dropping `.eml` files should likewise write them under
/// another name (`x.eml.tmp`, `.x.eml`) and rename them. The progress the runtime keeps is not
/// needed here: what waits in `new/` (or the folder) is what is new, and a message read again after
/// a crash, before it was moved, is recognised by its Message-ID.
public struct MaildirInbox: InboxSource {
    public let folder: String
    /// Bytes read of one file: a larger message is read that far (the reader says it was cut).
    public let maxMessageBytes: Int

    public init(folder: String, maxMessageBytes: Int = IncomingMessage.Limits().maxBytes) {
        self.folder = folder
        self.maxMessageBytes = maxMessageBytes
    }

    public var name: String { "maildir:\(folder)" }

    /// Whether the folder is a Maildir (it has `new/`), rather than a drop folder.
    var isMaildir: Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path("new"), isDirectory: &directory) && directory.boolValue
    }

    private func path(_ parts: String...) -> String {
        parts.reduce(folder) { ($0 as NSString).appendingPathComponent($1) }
    }

    /// The files waiting, oldest name first (Maildir names start with the delivery time). A file
    /// that cannot be read now is left for the next call.
    public func fetchNew(after progress: InboxPosition?, limit: Int) async throws -> [InboxMessage] {
        if !FileManager.default.fileExists(atPath: folder) {
            // A folder not there yet is made as an empty Maildir, for the mail server (or a person) to fill.
            for sub in ["tmp", "new", "cur"] {
                try? FileManager.default.createDirectory(atPath: path(sub), withIntermediateDirectories: true)
            }
        }
        let maildir = isMaildir
        let waiting = maildir ? path("new") : folder
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: waiting)
        } catch {
            throw InboxError("cannot read the inbox folder \(waiting): \(error.localizedDescription)")
        }
        var messages: [InboxMessage] = []
        for name in names.sorted() where !name.hasPrefix(".") && (maildir || name.hasSuffix(".eml")) {
            guard messages.count < limit else { break }
            let file = (waiting as NSString).appendingPathComponent(name)
            var directory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &directory), !directory.boolValue,
                let handle = FileHandle(forReadingAtPath: file)
            else { continue }
            defer { try? handle.close() }
            guard let data = try? handle.read(upToCount: maxMessageBytes + 1) else { continue }
            messages.append(InboxMessage(position: .file(name: name), raw: [UInt8](data)))
        }
        return messages
    }

    /// Moves each stored message to `cur/` (a Maildir's marked seen, `:2,S`); one already moved is
    /// left as it is.
    public func acknowledge(_ positions: [InboxPosition]) async throws {
        let maildir = isMaildir
        let current = path("cur")
        try? FileManager.default.createDirectory(atPath: current, withIntermediateDirectories: true)
        for position in positions {
            guard case .file(let name) = position, !name.contains("/"), name != ".", name != ".." else { continue }
            let from = maildir ? path("new", name) : path(name)
            let moved = maildir && !name.contains(":2,") ? "\(name):2,S" : name
            guard FileManager.default.fileExists(atPath: from) else { continue }
            if rename(from, (current as NSString).appendingPathComponent(moved)) != 0 {
                throw InboxError(
                    "cannot move \(from) to \(current): \(String(cString: strerror(errno))) (it will be read again, and recognised)"
                )
            }
        }
    }

    /// Waits `pollInterval`: a folder does not tell when a file arrives.
    public func waitForNew(pollInterval: Duration) async throws {
        try await Task.sleep(for: pollInterval)
    }

    public func close() async {}
}

/// An inbox that cannot be read or written as it should, and why.
public struct InboxError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
