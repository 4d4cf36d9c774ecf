import BatonTestSupport
import BundledResources
import Foundation
import Testing

/// The files compiled into the binary are the repository's `questionnaires/` and `templates/`,
/// byte for byte, and they come back out exactly: exported, or written out for the loaders and
/// repaired when the copy on disk was changed.
struct BundledResourcesTests {
    /// Every file of a repository folder, by path relative to it.
    static func repositoryFiles(_ folder: String) throws -> [String: String] {
        let root = BatonBinary.packageRoot.appendingPathComponent(folder).path
        var files: [String: String] = [:]
        let walker = try #require(FileManager.default.enumerator(atPath: root))
        for case let relative as String in walker {
            var isFolder: ObjCBool = false
            let path = (root as NSString).appendingPathComponent(relative)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
                !(relative as NSString).lastPathComponent.hasPrefix(".")
            else { continue }
            files[relative] = try String(contentsOfFile: path, encoding: .utf8)
        }
        return files
    }

    static func bundled(_ folder: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: BundledResources.files(under: folder).map { ($0.path, $0.text) })
    }

    @Test("the generated file is the repository's folders: run scripts/bundle-resources after editing them")
    func bundledFilesAreTheRepositorysFolders() throws {
        for folder in ["questionnaires", "templates"] {
            let onDisk = try Self.repositoryFiles(folder)
            let bundled = Self.bundled(folder)
            #expect(onDisk.count > 3, "\(folder) holds only \(onDisk.count) files")
            #expect(
                Set(bundled.keys) == Set(onDisk.keys),
                "\(folder): only on disk \(Set(onDisk.keys).subtracting(bundled.keys).sorted()), only bundled \(Set(bundled.keys).subtracting(onDisk.keys).sorted()); run scripts/bundle-resources"
            )
            for (path, text) in onDisk where bundled[path] != text {
                Issue.record("\(folder)/\(path) differs from its bundled copy; run scripts/bundle-resources")
            }
        }
        #expect(BundledResources.packNames == ["smb-ai-readiness"])
    }

    @Test func exportWritesTheBundledFilesAndRefusesToReplaceUnlessForced() throws {
        let folder = BatonBinary.temporaryFolder() + "/pack"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let written = try BundledResources.export("questionnaires/smb-ai-readiness", to: folder, replacing: false)
        let expected = Self.bundled("questionnaires/smb-ai-readiness")
        #expect(written.count == expected.count)
        for (path, text) in expected {
            #expect(try String(contentsOfFile: folder + "/" + path, encoding: .utf8) == text, "\(path)")
        }
        // An edited copy is not replaced by a second export: the error names the file, nothing is written.
        try "edited".write(toFile: folder + "/scoring.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: folder + "/pricing.yaml")
        #expect {
            try BundledResources.export("questionnaires/smb-ai-readiness", to: folder, replacing: false)
        } throws: { "\($0)".contains("already exists") && "\($0)".contains("--force") }
        #expect(try String(contentsOfFile: folder + "/scoring.yaml", encoding: .utf8) == "edited")
        #expect(!FileManager.default.fileExists(atPath: folder + "/pricing.yaml"))
        _ = try BundledResources.export("questionnaires/smb-ai-readiness", to: folder, replacing: true)
        #expect(try String(contentsOfFile: folder + "/scoring.yaml", encoding: .utf8) == expected["scoring.yaml"])
        #expect(throws: BundledResourcesError.self) {
            try BundledResources.export("questionnaires/no-such-pack", to: folder, replacing: false)
        }
    }

    @Test("whatever was done to the written-out copy, the next use reads exactly what is bundled (300 cases)")
    func materialisedCopyIsRepairedAfterGeneratedDamage() throws {
        let home = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let folder = try BundledResources.materialised(under: home)
        #expect(folder == home + "/bundled/" + BundledResources.fingerprint)
        let all = Self.bundled("questionnaires").map { ("questionnaires/" + $0.key, $0.value) }
            + Self.bundled("templates").map { ("templates/" + $0.key, $0.value) }
        var random = SplitMix(seed: 17)
        for round in 0..<300 {
            let (path, text) = random.pick(all)
            let file = folder + "/" + path
            switch random.below(5) {
            case 0: try FileManager.default.removeItem(atPath: file)
            case 1: try Data(text.utf8.prefix(random.below(text.utf8.count))).write(to: URL(fileURLWithPath: file))
            case 2:
                var bytes = Array(text.utf8)
                bytes[random.below(bytes.count)] ^= UInt8(1 + random.below(255))
                try Data(bytes).write(to: URL(fileURLWithPath: file))
            case 3: try Data((0..<random.below(4096)).map { _ in UInt8(random.below(256)) }).write(to: URL(fileURLWithPath: file))
            default: try FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent)
            }
            #expect(try BundledResources.materialised(under: home) == folder)
            for (path, text) in all where FileManager.default.contents(atPath: folder + "/" + path) != Data(text.utf8) {
                Issue.record("round \(round): \(path) was not repaired")
            }
        }
    }

    @Test func aFolderThatCannotBeWrittenIsAClearError() throws {
        let home = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: home) }
        // A file where the folder should be.
        try "not a folder".write(toFile: home + "/bundled", atomically: true, encoding: .utf8)
        #expect {
            try BundledResources.materialised(under: home)
        } throws: { "\($0)".contains("cannot write \(home)/bundled/") }
    }
}
