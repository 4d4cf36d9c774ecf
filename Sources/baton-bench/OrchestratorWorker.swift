import ArgumentParser
import Foundation
import Logging
import Orchestrator
import PostgresStore
import ServiceLifecycle

extension BatonBench {
    /// `baton-bench orchestrator-worker`: one worker of `orchestrator --store`'s run, a process of
    /// its own as each `baton run` is: the engine's service on its own `PostgresStore` (its own
    /// connection pool) for one tenant (with `--prepare`, it only makes the tenant's schema). It says `ready` once connected, starts on a `go` line from
    /// its standard input, stops gracefully (its cases in hand committed) when that input ends, and
    /// then says its peak memory (`rss KIB`).
    struct OrchestratorWorker: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "orchestrator-worker",
            abstract: "One worker of `orchestrator --store` (started by it; not run by hand).",
            shouldDisplay: false)

        @Option(help: ArgumentHelp("The PostgreSQL URL.", valueName: "url"))
        var store: String

        @Option(help: ArgumentHelp("The tenant (schema) to work on, already migrated.", valueName: "name"))
        var tenant: String

        @Option(help: ArgumentHelp("The blueprint to run.", valueName: "file"))
        var blueprint: String

        @Flag(help: "Only make the tenant's schema (checking the server answers), then end.")
        var prepare = false

        func run() async throws {
            let blueprint = try OrchestratorRun.benchBlueprint(path: blueprint)
            let store = try await PostgresStore.connect(
                try PostgresSettings(url: store), tenant: try Tenant(explicit: tenant), migrate: prepare,
                within: .seconds(30))
            guard !prepare else {
                await store.close()
                Self.say("ready")
                return Self.say("rss 0")
            }
            let service = EngineService(
                engine: Engine(blueprint: blueprint, store: store), batchSize: OrchestratorRun.batch)
            let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: Logger(label: "bench"))
            var input = Self.standardInputLines().makeAsyncIterator()
            Self.say("ready")
            if await input.next() == "go" {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    while await input.next() != nil {}
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
            }
            await store.close()
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            Self.say("rss \(usage.ru_maxrss)")
        }

        /// One line to the parent, at once (unbuffered).
        private static func say(_ line: String) {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }

        /// The lines of standard input, read on a thread of their own (never one of the pool's).
        private static func standardInputLines() -> AsyncStream<String> {
            AsyncStream { lines in
                Thread {
                    while let line = readLine() { lines.yield(line) }
                    lines.finish()
                }.start()
            }
        }
    }
}
