import Foundation

/// The questionnaire packs (`questionnaires/`) and report templates (`templates/`) compiled into
/// the binary (`BundledFiles.swift`, written by `scripts/bundle-resources`), so that a copied or
/// installed `baton` works from any folder with no repository beside it.
///
/// The loaders read folders, and a stored assessment names the folder its pack came from, so the
/// bundled files are written out once under a folder named by their fingerprint
/// (``materialised(under:)``): the same content always has the same path, and a later version's
/// content another one.
public enum BundledResources {
    /// The folder of the bundled report templates.
    public static let templatesFolder = "templates"

    /// The folder of the bundled pack `name` (`questionnaires/NAME`).
    public static func packFolder(_ name: String) -> String {
        "questionnaires/\(name)"
    }

    /// The names of the bundled packs, sorted.
    public static var packNames: [String] {
        Set(
            files.compactMap { file -> String? in
                let parts = file.path.split(separator: "/")
                return parts.count > 2 && parts[0] == "questionnaires" ? String(parts[1]) : nil
            }
        ).sorted()
    }

    /// The bundled files under `folder` (such as `templates` or `questionnaires/NAME`), each with its
    /// path relative to that folder; empty when nothing is bundled there.
    public static func files(under folder: String) -> [(path: String, text: String)] {
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        return files.compactMap { file in
            file.path.hasPrefix(prefix) ? (String(file.path.dropFirst(prefix.count)), file.text) : nil
        }
    }

    /// A fingerprint of every bundled path and text (FNV-1a, 64 bits, in hex): the name of the
    /// folder they are written out to. Not a security measure: it only keeps versions apart.
    public static let fingerprint: String = {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for file in files {
            for byte in file.path.utf8 + [0] + file.text.utf8 + [0] {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }()

    /// Writes the bundled files under `folder` into `destination` (made if missing) and returns the
    /// paths written. An existing file is replaced only when `replacing` is set.
    /// - Throws: ``BundledResourcesError`` naming the folder or file, before anything is written
    ///   when a file is in the way.
    public static func export(_ folder: String, to destination: String, replacing: Bool) throws(BundledResourcesError)
        -> [String]
    {
        let chosen = files(under: folder)
        guard !chosen.isEmpty else { throw BundledResourcesError("nothing is bundled under \(folder)") }
        let targets = chosen.map { ((destination as NSString).appendingPathComponent($0.path), $0.text) }
        if !replacing, let existing = targets.first(where: { FileManager.default.fileExists(atPath: $0.0) }) {
            throw BundledResourcesError(
                "\(existing.0) already exists; pick an empty folder, or pass --force to replace the bundled files in it")
        }
        for (path, text) in targets {
            try write(text, to: path)
        }
        return targets.map(\.0)
    }

    /// The folder holding every bundled file as a file, `ROOT/bundled/FINGERPRINT`: written the first
    /// time, and any file found missing or changed there written again, so the loaders always read
    /// exactly what is bundled.
    /// - Throws: ``BundledResourcesError`` when the folder cannot be written.
    public static func materialised(under root: String) throws(BundledResourcesError) -> String {
        let folder = ((root as NSString).appendingPathComponent("bundled") as NSString)
            .appendingPathComponent(fingerprint)
        for file in files {
            let path = (folder as NSString).appendingPathComponent(file.path)
            let expected = Data(file.text.utf8)
            let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
            if size == expected.count, FileManager.default.contents(atPath: path) == expected { continue }
            try write(file.text, to: path)
        }
        return folder
    }

    /// Writes `text` to `path` whole or not at all (a temporary file renamed), making its folder.
    private static func write(_ text: String, to path: String) throws(BundledResourcesError) {
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BundledResourcesError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// A bundled file that could not be written out, or a folder with nothing bundled.
public struct BundledResourcesError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
