import Foundation

/// Finds a questionnaire pack by path or by name.
///
/// A name is looked up as `questionnaires/NAME` in the current folder, then in each folder above
/// the `baton` executable (so `swift run baton` and `.build/debug/baton` find the bundled packs).
public enum PackLocator {
    /// The pack Baton runs when none is named.
    public static let defaultPack = "smb-ai-readiness"

    /// A folder of the repository (such as `templates`), looked up like a pack name.
    public static func locateFolder(
        _ name: String, currentDirectory: String = FileManager.default.currentDirectoryPath,
        executable: String = CommandLine.arguments.first ?? ""
    ) -> String? {
        var candidates = [(currentDirectory as NSString).appendingPathComponent(name)]
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent(name).path)
            folder.deleteLastPathComponent()
        }
        var isDirectory: ObjCBool = false
        return candidates.first {
            FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// The pack folder (or file) for `nameOrPath`, or `nil` with the places that were searched.
    public static func locate(
        _ nameOrPath: String, currentDirectory: String = FileManager.default.currentDirectoryPath,
        executable: String = CommandLine.arguments.first ?? ""
    ) -> Result<String, PackNotFound> {
        let fm = FileManager.default
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") {
            return fm.fileExists(atPath: nameOrPath)
                ? .success(nameOrPath) : .failure(PackNotFound(name: nameOrPath, searched: [nameOrPath]))
        }
        var candidates = [(currentDirectory as NSString).appendingPathComponent("questionnaires/\(nameOrPath)")]
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent("questionnaires/\(nameOrPath)").path)
            folder.deleteLastPathComponent()
        }
        if let found = candidates.first(where: {
            fm.fileExists(atPath: ($0 as NSString).appendingPathComponent("questionnaire.yaml"))
        }) {
            return .success(found)
        }
        return .failure(PackNotFound(name: nameOrPath, searched: candidates))
    }
}

/// No pack by that name or at that path.
public struct PackNotFound: Error, Sendable, CustomStringConvertible {
    public let name: String
    public let searched: [String]

    public var description: String {
        "no questionnaire pack '\(name)' (looked in \(searched.prefix(2).joined(separator: ", "))…); pass --pack PATH to a folder holding questionnaire.yaml"
    }
}
