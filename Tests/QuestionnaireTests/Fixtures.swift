import Foundation

/// Paths to the files tests read from the repository.
enum Fixtures {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static var bundledPack: String {
        packageRoot.appendingPathComponent("questionnaires/smb-ai-readiness").path
    }

    static var examples: [String] {
        let folder = bundledPack + "/examples"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder + "/" + $0 }
    }
}
