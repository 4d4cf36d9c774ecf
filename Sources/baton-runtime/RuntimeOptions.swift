import ArgumentParser
import Blueprint
import Foundation
import Orchestrator
import Workspace

/// `--data-dir DIR`: where a running system keeps its database, its outbox and its blueprint.
struct RuntimeOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "The runtime's folder.", discussion: "Default: $BATON_HOME/runtime (~/.baton/runtime).", valueName: "dir"))
    var dataDir: String?

    var folder: String {
        dataDir ?? (Workspace.defaultDirectory() as NSString).appendingPathComponent("runtime")
    }

    /// The runtime's store: the SQLite database in the folder, on the runtime's clock (``RuntimeClock``).
    func store() throws -> any RuntimeStorage {
        let clock = try RuntimeClock.process.get()
        do {
            return try RuntimeStore(folder: folder, clock: clock)
        } catch {
            throw Failure("cannot open the runtime in \(folder): \(error)")
        }
    }

    /// The blueprint `baton run` last started with, kept in the data folder.
    func blueprint() throws -> Blueprint {
        let path = (folder as NSString).appendingPathComponent("blueprint.yaml")
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(
                "no blueprint in \(folder) yet: start the system once with `baton run BLUEPRINT --data-dir \(folder)`")
        }
        return try BlueprintFile.load(path: path)
    }
}
