import BundledResources
import Foundation
import Workspace

/// Finds a questionnaire pack by path or by name, and the bundled report templates.
///
/// A name is looked up as `NAME/` in each folder of `$BATON_PACKS` (a colon-separated search
/// path of folders holding edited packs), then among the packs built into the binary
/// (``BundledResources``), so `baton` works from any folder without the repository.
public enum PackLocator {
    /// The pack Baton runs when none is named.
    public static let defaultPack = "smb-ai-readiness"

    /// The bundled folder `name` (such as `templates`), written out under `$BATON_HOME/bundled`.
    /// - Throws: ``BundledResourcesError`` when it cannot be written out.
    public static func bundledFolder(
        _ name: String, home: String = Workspace.defaultDirectory()
    ) throws(BundledResourcesError) -> String {
        (try BundledResources.materialised(under: home) as NSString).appendingPathComponent(name)
    }

    /// The bundled report templates' folder, written out under `$BATON_HOME/bundled`.
    /// - Throws: ``BundledResourcesError`` when it cannot be written out.
    public static func bundledTemplates(home: String = Workspace.defaultDirectory()) throws(BundledResourcesError)
        -> String
    {
        try bundledFolder(BundledResources.templatesFolder, home: home)
    }

    /// The pack folder (or file) for `nameOrPath`, or `nil` with the places that were searched.
    public static func locate(
        _ nameOrPath: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        home: String = Workspace.defaultDirectory()
    ) -> Result<String, PackNotFound> {
        let fm = FileManager.default
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") {
            return fm.fileExists(atPath: nameOrPath)
                ? .success(nameOrPath) : .failure(PackNotFound(name: nameOrPath, searched: [nameOrPath]))
        }
        let searchPath = (environment["BATON_PACKS"] ?? "").split(separator: ":").map(String.init)
        let candidates = searchPath.map { ($0 as NSString).appendingPathComponent(nameOrPath) }
        if let found = candidates.first(where: {
            fm.fileExists(atPath: ($0 as NSString).appendingPathComponent("questionnaire.yaml"))
        }) {
            return .success(found)
        }
        let bundled = BundledResources.packNames
        guard bundled.contains(nameOrPath) else {
            return .failure(PackNotFound(name: nameOrPath, searched: candidates, bundled: bundled))
        }
        do {
            return .success(try bundledFolder(BundledResources.packFolder(nameOrPath), home: home))
        } catch {
            return .failure(PackNotFound(name: nameOrPath, searched: candidates, bundled: bundled, reason: "\(error)"))
        }
    }
}

/// No pack by that name or at that path.
public struct PackNotFound: Error, Sendable, CustomStringConvertible {
    public let name: String
    public let searched: [String]
    /// The names of the packs built into the binary.
    public var bundled: [String] = []
    /// Why the bundled pack could not be used, when it could not be written out.
    public var reason: String?

    public var description: String {
        if searched == [name] {
            return "no questionnaire pack at \(name); pass --pack PATH to a folder holding questionnaire.yaml"
        }
        if let reason { return "the bundled pack '\(name)' cannot be used: \(reason); pass --pack PATH to a copy" }
        let looked = searched.isEmpty ? "" : " in \(searched.joined(separator: ", ")) or"
        let names = bundled.isEmpty ? "none" : bundled.joined(separator: ", ")
        return
            "no questionnaire pack '\(name)'\(looked) among the bundled ones (\(names)); pass --pack PATH to a folder holding questionnaire.yaml, or add its parent folder to BATON_PACKS"
    }
}
