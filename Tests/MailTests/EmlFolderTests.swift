import Foundation
import Spawning
import Testing

@testable import Mail

/// The embedded `.eml` outbox: each email one file named by its key, written once.
struct EmlFolderTests {
    static func email(_ id: Int64) -> OutgoingEmail {
        OutgoingEmail(
            id: id, key: "k-\(id)", from: "office@example.com", to: "dana@example.com", subject: "Visit \(id)",
            text: "Hello \(id).", date: Date(timeIntervalSince1970: 1_772_467_200))
    }

    @Test func aBatchIsPublishedWholeAndAFileAlreadyThereIsNeverRewritten() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-eml-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = EmlFolder(folder: root + "/outbox")
        // Written before a crash, never recorded: the retry finds it and keeps it as it is.
        try FileManager.default.createDirectory(atPath: folder.folder, withIntermediateDirectories: true)
        try "before the crash".write(toFile: folder.folder + "/k-2.eml", atomically: true, encoding: .utf8)
        #expect(folder.alreadyDelivered(key: "k-2") && !folder.alreadyDelivered(key: "k-1"))

        let emails = (1...3).map(Self.email)
        #expect(folder.deliver(emails) == [1: .delivered, 2: .delivered, 3: .delivered])
        #expect(folder.deliver(emails) == [1: .delivered, 2: .delivered, 3: .delivered])  // again: nothing changes
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.folder).sorted()
        #expect(names == ["k-1.eml", "k-2.eml", "k-3.eml"])  // no temporary file left behind
        #expect(try String(contentsOfFile: folder.folder + "/k-2.eml", encoding: .utf8) == "before the crash")
        for id in [1, 3] as [Int64] {
            #expect(
                try String(contentsOfFile: folder.folder + "/k-\(id).eml", encoding: .utf8)
                    == (try MIMEMessage(Self.email(id)).text()))
        }
    }

    /// The id of a process that has exited (and was reaped): no process runs under it now.
    static func goneProcessID() throws -> Int32 {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func openingTheFolderRemovesTheTemporaryFilesACrashedWriterLeft() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-eml-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let gone = try Self.goneProcessID()
        let alive = getppid()  // the test runner's parent: running
        let stale = ["k-1.eml.\(gone).tmp", "k-2.eml.\(getpid()).tmp", "3-scheduler-email.send-0.eml.\(gone).tmp"]
        let kept = [
            "k-4.eml", "k-5.eml.\(alive).tmp",  // published; a live writer's
            "notes.tmp", "k-6.eml.tmp", "k-7.eml.12x.tmp", "k-8.txt.\(gone).tmp", "k-9.eml.-1.tmp", "k-10.eml.0.tmp",
        ]
        for name in stale + kept { try "x".write(toFile: root + "/" + name, atomically: false, encoding: .utf8) }
        // A folder of that pattern is not a file of ours: left alone.
        try FileManager.default.createDirectory(
            atPath: root + "/k-11.eml.\(gone).tmp", withIntermediateDirectories: true)

        let folder = EmlFolder(folder: root)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root).sorted()
                == (kept + ["k-11.eml.\(gone).tmp"]).sorted())
        // The email whose temporary file was left is written whole on the retry.
        #expect(folder.deliver([Self.email(1)]) == [1: .delivered])
        #expect(
            try String(contentsOfFile: root + "/k-1.eml", encoding: .utf8) == (try MIMEMessage(Self.email(1)).text()))
        // A folder that does not exist yet is no error.
        _ = EmlFolder(folder: root + "/not-yet")
    }

    @Test func aKeyThatIsNotAFileNameIsDeadNotWrittenElsewhere() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("baton-eml-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = EmlFolder(folder: root + "/outbox")
        let keys = ["../escape", "a/b", "..", ".", "k\0x"]
        let emails = keys.enumerated().map { index, key in
            OutgoingEmail(
                id: Int64(index), key: key, from: "office@example.com", to: "dana@example.com", subject: "s", text: "t",
                date: Date(timeIntervalSince1970: 1_772_467_200))
        }
        let outcomes = folder.deliver(emails)
        #expect(outcomes.count == keys.count)
        #expect(outcomes.values.allSatisfy { if case .dead = $0 { true } else { false } })
        #expect(keys.allSatisfy { !folder.alreadyDelivered(key: $0) })
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["outbox"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/outbox").isEmpty)
    }

    @Test func aFolderThatCannotBeMadeLeavesEveryEmailToBeTriedAgain() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("baton-eml-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "a file, not a folder".write(toFile: file, atomically: true, encoding: .utf8)
        let outcomes = EmlFolder(folder: file + "/outbox").deliver([Self.email(1), Self.email(2)])
        #expect(outcomes.count == 2)
        #expect(
            outcomes.values.allSatisfy { if case .retry(let why) = $0 { why.contains("cannot create") } else { false } }
        )
    }
}
