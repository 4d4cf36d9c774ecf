import ArgumentParser
import AssessmentFlow
import Blueprint
import Foundation
import Orchestrator
import Questionnaire
import Scoring

extension BatonBench {
    /// `baton-bench orchestrator`: the four-step lead flow with every commit synced to disk.
    struct OrchestratorRun: ParsableCommand {
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

        func run() throws {
            let blueprint = try demoBlueprint()
            let lead: [String: Any] = [
                "name": "Lead", "email": "lead@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap",
            ]

            // Throughput: the leads are waiting (each stored with its own synced commit, not timed), then processed.
            let folder = try temporaryFolder()
            let store = try RuntimeStore(folder: folder)
            for i in 0..<leads {
                try store.submit(type: "lead.received", caseID: "lead-\(i)", payload: lead, producer: "intake")
            }
            let engine = Engine(blueprint: blueprint, store: store)
            let dispatcher = Dispatcher(
                store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "bench@localhost")
            let start = DispatchTime.now().uptimeNanoseconds
            while try engine.processBatch(limit: 512) > 0 { try dispatcher.dispatch() }
            try dispatcher.dispatch()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let replies = try FileManager.default.contentsOfDirectory(atPath: folder + "/outbox").count
            print(
                "orchestrator: \(leads) leads through 4 agents in \(String(format: "%.3f", elapsed)) s: \(String(format: "%.0f", Double(leads) / elapsed)) leads/s (\(replies) replies written)"
            )

            // Latency: a producer offers `rate` leads a second (each a synced commit) while the engine runs.
            let latencyFolder = try temporaryFolder()
            let consumerStore = try RuntimeStore(folder: latencyFolder)
            let producerStore = try RuntimeStore(folder: latencyFolder)
            let total = Int(Double(rate) * seconds)
            let producer = Thread {
                let begin = Date()
                for i in 0..<total {
                    let due = begin.addingTimeInterval(Double(i) / Double(rate))
                    let wait = due.timeIntervalSinceNow
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                    let payload: [String: Any] = [
                        "name": "Lead", "email": "lead@example.com", "budget": "4000", "city": "Calgary",
                        "timeline": "asap",
                    ]
                    _ = try? producerStore.submit(
                        type: "lead.received", caseID: "lead-\(i)", payload: payload, producer: "intake")
                }
            }
            producer.start()
            let latencyEngine = Engine(blueprint: blueprint, store: consumerStore)
            let latencyDispatcher = Dispatcher(
                store: consumerStore, blueprint: blueprint, emailFolder: latencyFolder + "/outbox",
                from: "bench@localhost")
            var answered = 0
            let deadline = Date().addingTimeInterval(seconds + 30)
            while answered < total && Date() < deadline {
                let processed = try latencyEngine.processBatch(limit: 512)
                answered += try latencyDispatcher.dispatch() / 2
                if processed == 0 { Thread.sleep(forTimeInterval: 0.001) }
            }
            let latencies = try consumerStore.latenciesMilliseconds()
            func percentile(_ p: Double) -> Double {
                latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(p * Double(latencies.count - 1)))]
            }
            print(
                "  latency, lead received → reply queued, at \(rate) leads/s offered for \(Int(seconds)) s (\(latencies.count) leads): p50 \(String(format: "%.1f", percentile(0.5))) ms, p99 \(String(format: "%.1f", percentile(0.99))) ms"
            )
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            print("  peak memory (max RSS): \(String(format: "%.1f", Double(usage.ru_maxrss) / 1024)) MiB")
            print("  targets: 50x the peer's durable throughput, p99 under 50 ms at 100 leads/s, under 50 MiB")
        }

        private func temporaryFolder() throws -> String {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("baton-bench-\(UUID().uuidString)")
                .path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return path
        }

        /// The plumbing contractor's recommended system: the demo's blueprint.
        private func demoBlueprint() throws -> Blueprint {
            guard case .success(let folder) = PackLocator.locate(PackLocator.defaultPack) else {
                throw ValidationError("cannot find the bundled pack")
            }
            let pack = try PackLoader.load(path: folder)
            let file = folder + "/examples/plumbing-contractor.yaml"
            let imported = AnswersImport(
                try AnswersFile.read(try String(contentsOfFile: file, encoding: .utf8), file: file), pack: pack)
            let profile = try BusinessProfile(interview: Interview(pack: pack, answers: imported.answers))
            let model = try ScoringModel.load(packFolder: folder)
            var blueprint = BlueprintPlanner(catalog: model.catalog).blueprint(
                for: try Scorer(model: model).score(profile), profile: profile)
            // The benchmark measures throughput, not the runaway limit: raise it to the most allowed.
            for i in blueprint.agents.indices { blueprint.agents[i].limits.actionsPerHour = 10_000 }
            return blueprint
        }
    }
}
