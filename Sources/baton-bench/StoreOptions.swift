import ArgumentParser
import PostgresStore

/// `orchestrator --store URL --workers 1,2,4`, read and checked before any work, each refusal a
/// usage error that never echoes what a terminal would act on.
enum StoreOptions {
    /// The most workers one count may ask for (each is a process with its own connection pool).
    static let mostWorkers = 16
    /// The worker counts without `--workers`.
    static let standardWorkers = "1,2,4"

    /// The worker counts in `text`, in the order given.
    ///
    /// - Throws: `ValidationError` saying what is wrong: not comma-separated whole numbers, one
    ///   outside 1…``mostWorkers``, repeated, or more than eight counts.
    static func workerCounts(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !text.isEmpty, parts.count <= 8 else {
            throw ValidationError("--workers takes 1 to 8 worker counts separated by commas, such as 1,2,4")
        }
        var counts: [Int] = []
        for part in parts {
            guard let count = Int(part), (1...mostWorkers).contains(count) else {
                // Echoed only when it is short, printable ASCII: never a terminal control.
                let plain = part.count <= 20 && part.unicodeScalars.allSatisfy { (0x21..<0x7F).contains($0.value) }
                throw ValidationError(
                    "--workers: \(plain ? "'\(part)'" : "a part") is not a worker count (a whole number from 1 to \(mostWorkers); counts separated by commas)"
                )
            }
            guard !counts.contains(count) else { throw ValidationError("--workers: \(count) is given twice") }
            counts.append(count)
        }
        return counts
    }

    /// The server `url` names.
    ///
    /// - Throws: `ValidationError` with the reason `PostgresSettings` gives, or when what messages
    ///   would show of it (decoded) holds a control character.
    static func settings(url: String) throws -> PostgresSettings {
        let settings: PostgresSettings
        do {
            settings = try PostgresSettings(url: url)
        } catch {
            throw ValidationError("--store: \(error)")
        }
        guard !settings.redacted.unicodeScalars.contains(where: isControl) else {
            throw ValidationError("--store: the URL holds control characters (as they are or percent-encoded)")
        }
        return settings
    }

    /// Whether a terminal would act on `scalar`: C0, DEL, C1 and the bidi controls.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
