import ArgumentParser
import AssessmentFlow
import Blueprint
import Foundation
import Logging
import Orchestrator
import Questionnaire
import Scoring
import ServiceLifecycle
import Synchronization

extension BatonBench {
    /// `baton-bench orchestrator`: the four-step lead flow with every commit synced to disk.
    struct OrchestratorRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "orchestrator",
            abstract:
                "Leads per second through the four agents, latency under a steady load, and peak memory (synchronous=FULL)."
        )

        @Option(help: "Leads for the throughput run.")
        var leads = 1_000

        @Option(help: "Offered load for the latency run, in leads per second.")
        var rate = 100

        @Option(help: "How long the latency run offers load, in seconds.")
        var seconds = 10.0

        @Option(
            help:
                "The peer's durable throughput from the same run (leads/s), to print the ratio against the 50x target.")
        var peerLeadsPerSecond: Double?

        @Option(
            help: ArgumentHelp(
                "Instead: seed this many leads of history (spread over --history-days past days) and compare the reply latency of a new lead, /metrics, kpis, the daily report and cases list with an empty store's.",
                valueName: "n"))
        var history: Int?

        @Option(help: ArgumentHelp("Days the --history leads are spread over.", valueName: "days"))
        var historyDays = 30

        @Option(
            help: ArgumentHelp(
                "The blueprint to run, as `baton run` reads it. Without it, the benchmark makes the demo's blueprint (the plumbing example, scored) and runs itself again on that file, so the peak memory is the runtime's, not the scoring's.",
                valueName: "file"))
        var blueprint: String?

        func run() async throws {
            guard let path = blueprint else { return try await runOnDemoBlueprint() }
            var blueprint = try BlueprintFile.load(path: path)
            // The benchmark measures throughput, not the runaway limit: raise it to the most allowed.
            for i in blueprint.agents.indices { blueprint.agents[i].limits.actionsPerHour = 10_000 }
            if let history {
                return try await HistoryRun(blueprint: blueprint, leads: history, days: historyDays).run()
            }
            var folders: [String] = []
            defer { for folder in folders { try? FileManager.default.removeItem(atPath: folder) } }

            // Throughput: the leads are waiting (each stored with its own synced commit, not timed), then
            // processed in batches; then the dispatcher writes the replies. In its own scope, so its
            // store (and page cache) is gone before the latency run.
            let folder = try Self.temporaryFolder()
            folders.append(folder)
            try await throughputRun(blueprint, folder: folder)
            let latencies = try await latencyRun(blueprint, folder: try Self.temporaryFolder(), folders: &folders)

            func percentile(_ p: Double) -> Double {
                latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(p * Double(latencies.count - 1)))]
            }
            print(
                "  latency, lead received → reply queued and committed, at \(rate) leads/s offered for \(Int(seconds)) s (\(latencies.count) leads): p50 \(String(format: "%.1f", percentile(0.5))) ms, p99 \(String(format: "%.1f", percentile(0.99))) ms (target p99 under 50 ms)"
            )
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let mebibytes = Double(usage.ru_maxrss) / 1024
            print("  peak memory (max RSS): \(String(format: "%.1f", mebibytes)) MiB (target under 50 MiB)")
        }

        /// Leads waiting, through the four agents, then dispatched; prints the figures.
        private func throughputRun(_ blueprint: Blueprint, folder: String) async throws {
            let store = try RuntimeStore(folder: folder)
            let intakeStart = DispatchTime.now().uptimeNanoseconds
            for i in 0..<leads {
                try store.submit(type: "lead.received", caseID: "lead-\(i)", payload: Self.lead, producer: "intake")
            }
            let intakeNanoseconds = DispatchTime.now().uptimeNanoseconds - intakeStart
            let engine = Engine(blueprint: blueprint, store: store)
            let dispatcher = Dispatcher(
                store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "bench@localhost")
            let start = DispatchTime.now().uptimeNanoseconds
            let events = try await Self.runAsService(engine, store: store)
            let queued = DispatchTime.now().uptimeNanoseconds
            var sent = 0
            while case let batch = try await dispatcher.dispatch(), batch > 0 { sent += batch }
            let end = DispatchTime.now().uptimeNanoseconds
            let replies = try FileManager.default.contentsOfDirectory(atPath: folder + "/outbox").count
            func perSecond(_ from: UInt64, _ to: UInt64) -> Double { Double(leads) / (Double(to - from) / 1e9) }
            func speed(_ from: UInt64, _ to: UInt64) -> String {
                String(format: "%.0f leads/s (%.3f s)", perSecond(from, to), Double(to - from) / 1e9)
            }
            print("orchestrator (SQLite WAL, synchronous=FULL): \(leads) leads waiting, up to \(Self.batch) per commit")
            print("  through the 4 agents to reply queued (\(events) events): \(speed(start, queued))")
            print(
                "  then dispatching \(sent) actions (\(replies) .eml replies synced, CRM updates): \(speed(queued, end))"
            )
            print("  lead in → reply on disk, both steps: \(speed(start, end))")
            // The intake, one synced commit per lead as `baton event send` does, timed apart.
            let withIntake = Double(leads) / (Double(intakeNanoseconds + queued - start) / 1e9)
            print(
                "  counting the intake too (each lead stored by its own synced commit first): \(String(format: "%.0f", withIntake)) leads/s"
            )
            if let peer = peerLeadsPerSecond {
                let ratio = perSecond(start, queued) / peer
                print(
                    "  against the peer's \(String(format: "%.1f", peer)) leads/s (lead in → reply queued, durable): \(String(format: "%.1f", ratio))x (target 50x: \(ratio >= 50 ? "met" : "NOT met")); counting the intake: \(String(format: "%.1f", withIntake / peer))x"
                )
            }

        }

        /// Events taken per batch (with the events they emit), as `baton run` does.
        static let batch = 256

        /// Runs the engine as `baton run` does — its service, which takes on new cases while the
        /// finished ones commit — until no event is ready; returns the events processed (those
        /// stored, less those delayed to a later time, such as follow-ups).
        static func runAsService(_ engine: Engine, store: RuntimeStore) async throws -> Int {
            let committed = Wakeup()
            let service = EngineService(engine: engine, committed: committed, batchSize: batch)
            let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: Logger(label: "bench"))
            var facts = try await store.metricsFacts(at: store.clock())
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                while facts.ready > 0 {
                    await committed.wait(upTo: .milliseconds(100))
                    facts = try await store.metricsFacts(at: store.clock())
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            return (facts.totals["events"] ?? 0) - facts.delayed
        }

        static var lead: [String: Any] {
            [
                "name": "Lead", "email": "lead@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap",
            ]
        }

        /// A producer thread offers `rate` leads a second (each its own synced commit) while the engine
        /// runs; a lead's latency ends when the batch that queued its reply has committed.
        private func latencyRun(_ blueprint: Blueprint, folder: String, folders: inout [String]) async throws -> [Double] {
            folders.append(folder)
            let consumerStore = try RuntimeStore(folder: folder)
            let producerStore = try RuntimeStore(folder: folder)
            let total = Int(Double(rate) * seconds)
            let received = Mutex([String: UInt64]())
            let producer = Thread { [rate] in
                let begin = DispatchTime.now().uptimeNanoseconds
                for i in 0..<total {
                    let due = begin + UInt64(Double(i) / Double(rate) * 1e9)
                    let now = DispatchTime.now().uptimeNanoseconds
                    if due > now { Thread.sleep(forTimeInterval: Double(due - now) / 1e9) }
                    let caseID = "lead-\(i)"
                    received.withLock { $0[caseID] = DispatchTime.now().uptimeNanoseconds }
                    _ = try? producerStore.submit(
                        type: "lead.received", caseID: caseID, payload: Self.lead, producer: "intake")
                }
            }
            producer.start()
            let engine = Engine(blueprint: blueprint, store: consumerStore)
            let dispatcher = Dispatcher(
                store: consumerStore, blueprint: blueprint, emailFolder: folder + "/outbox", from: "bench@localhost")
            var latencies: [Double] = []
            var lastSeen: Int64 = 0
            let deadline = Date().addingTimeInterval(seconds + 30)
            while latencies.count < total && Date() < deadline {
                let processed = try await engine.processBatch(limit: Self.batch)
                let committed = DispatchTime.now().uptimeNanoseconds
                for item in try consumerStore.outbox(after: lastSeen) {
                    lastSeen = item.id!
                    guard item.action == .emailSend, let start = received.withLock({ $0[item.caseID] }) else {
                        continue
                    }
                    latencies.append(Double(committed - start) / 1e6)
                }
                try await dispatcher.dispatch()
                if processed == 0 { try await Task.sleep(for: .milliseconds(1)) }
            }
            return latencies.sorted()
        }

        static func temporaryFolder() throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("baton-bench-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }

        /// The plumbing contractor's recommended system: the demo's blueprint.
        /// Writes the demo's blueprint to a file and runs this benchmark again on it, in a process of its own.
        private func runOnDemoBlueprint() async throws {
            let file = try Self.temporaryFolder() + "/blueprint.yaml"
            defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
            try BlueprintFile.yaml(try demoBlueprint()).write(toFile: file, atomically: true, encoding: .utf8)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            child.arguments = Array(CommandLine.arguments.dropFirst()) + ["--blueprint", file]
            // Waited for without blocking a thread: the child is the whole benchmark.
            try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
                child.terminationHandler = { _ in done.resume() }
                do { try child.run() } catch {
                    child.terminationHandler = nil
                    done.resume(throwing: error)
                }
            }
            guard child.terminationStatus == 0 else { throw ExitCode(child.terminationStatus) }
        }

        private func demoBlueprint() throws -> Blueprint {
            let folder = try PackLocator.locate(PackLocator.defaultPack).get()
            let pack = try PackLoader.load(path: folder)
            let file = folder + "/examples/plumbing-contractor.yaml"
            let imported = AnswersImport(
                try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
            let profile = try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
            let model = try ScoringModel.load(packFolder: folder)
            return BlueprintPlanner(catalog: model.catalog).blueprint(
                for: try Scorer(model: model).score(profile), profile: profile)
        }
    }
}
