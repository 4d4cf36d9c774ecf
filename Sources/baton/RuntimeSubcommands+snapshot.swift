import Foundation
import Spawning

extension RuntimeSubcommands {
    /// The KPI snapshot measured now from a runtime's data folder (its whole history to today), as
    /// `baton-runtime kpis export --data-dir DIR` writes it: the runtime's store is read by the
    /// runtime's binary, so `baton` links none of it. Its messages go to standard error.
    /// - Throws: ``Failure`` when `baton-runtime` is missing or the export fails.
    static func exportedSnapshot(dataDir: String) async throws -> Data {
        let path = siblingPath()
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Failure(
                "measuring \(dataDir) needs \(executable) beside baton (no \(path)); build it with `swift build --product \(executable)`, or export the figures with `baton kpis export -o FILE` and pass the file"
            )
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("baton-kpis-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["kpis", "export", "--data-dir", dataDir, "-o", output.path]
        process.standardInput = .nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                continuation.resume(throwing: Failure("cannot run \(path): \(error.localizedDescription)"))
            }
        }
        guard status == 0, let data = FileManager.default.contents(atPath: output.path) else {
            throw Failure("could not measure the KPIs of \(dataDir) (\(executable) said why above)", code: status == 0 ? 1 : status)
        }
        return data
    }
}
