import Foundation
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
                    == MIMEMessage(Self.email(id)).text())
        }
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
