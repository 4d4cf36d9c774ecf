import ArgumentParser
import AssessmentFlow
import Blueprint
import Foundation
import Logging
import Orchestrator
import PostgresStore
import Questionnaire
import Scoring
import ServiceLifecycle
import Spawning
import Synchronization

extension BatonBench {
    /// `baton-bench orchestrator`: the four-step lead flow with every commit synced to disk.
    struct OrchestratorRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "orchestrator",
            abstract:
                "Leads per second through the four agents, latency under a steady load, and peak memory (synchronous=FULL); with --store, on PostgreSQL too, with 1, 2 and 4 workers."
        )

        @Option(help: "Leads for the throughput run.")
        var leads = 1_000

        // Read by `runCount` (not an option's transform, whose error would echo the text).
        @Option(
            help: ArgumentHelp(
                "Throughput runs, each on a fresh store, 1 to 15 (default 3); their median is the figure compared with the peer (a run lasts a tenth of a second, so one pause of the machine moves a single run by a third).",
                valueName: "n"))
        var runs: String?

        /// `--runs` as a count (checked by `validate`).
        var runCount: Int { runs.flatMap { Int($0) } ?? 3 }

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

        @Option(
            help: ArgumentHelp(
                "Run on PostgreSQL too, beside SQLite: postgres://USER@HOST:PORT/DATABASE (password from the URL or PGPASSWORD). Each worker count runs on a fresh schema (bench_…, left in the database), each worker a process of its own with its own connections.",
                valueName: "url"))
        var store: String?

        // Read by `StoreOptions.workerCounts` (not an option's transform, whose error would echo the text).
        @Option(
            help: ArgumentHelp("Worker counts of the --store run, comma-separated (default 1,2,4).", valueName: "n,n,…")
        )
        var workers: String?

        func validate() throws {
            guard leads > 0, rate > 0, seconds > 0, seconds <= 3_600 else {
                throw ValidationError("--leads and --rate must be above 0, --seconds from above 0 to 3600")
            }
            guard (1...15).contains(runs.map { Int($0) ?? 0 } ?? 3) else {
                throw ValidationError("--runs must be a whole number from 1 to 15")
            }
            if workers != nil && store == nil { throw ValidationError("--workers needs --store URL") }
            guard let store else { return }
            if history != nil { throw ValidationError("--history runs on SQLite only; leave out --store") }
            _ = try StoreOptions.workerCounts(workers ?? StoreOptions.standardWorkers)
            _ = try StoreOptions.settings(url: store)
        }

        func run() async throws {
            guard let path = blueprint else { return try await runOnDemoBlueprint() }
            MallocArenas.limit()  // as `baton run` does: this process stands for it
            let blueprint = try Self.benchBlueprint(path: path)
            if let history {
                return try await HistoryRun(blueprint: blueprint, leads: history, days: historyDays).run()
            }
            // The PostgreSQL server is reached first: a wrong URL, login or server fails at once,
            // not after the SQLite run.
            var postgres: PostgresScaleRun?
            if let store {
                postgres = try await PostgresScaleRun(
                    url: store, blueprint: blueprint, blueprintPath: path, leads: leads,
                    workers: try StoreOptions.workerCounts(workers ?? StoreOptions.standardWorkers),
                    rate: rate, seconds: seconds, peerLeadsPerSecond: peerLeadsPerSecond)
            }
            var folders: [String] = []
            defer { for folder in folders { try? FileManager.default.removeItem(atPath: folder) } }

            // Throughput: the leads are waiting (each stored with its own synced commit, not timed), then
            // processed in batches; then the dispatcher writes the replies. In its own scope, so its
            // store (and page cache) is gone before the latency run.
            var throughputs: [(leadsPerSecond: Double, withIntake: Double)] = []
            for run in 1...runCount {
                if runCount > 1 { print("throughput run \(run) of \(runCount)") }
                let folder = try Self.temporaryFolder()
                folders.append(folder)
                throughputs.append(try await throughputRun(blueprint, folder: folder))
                try? FileManager.default.removeItem(atPath: folder)
            }
            let median = throughputs.sorted { $0.leadsPerSecond < $1.leadsPerSecond }[runCount / 2]
            let sqliteLeadsPerSecond = median.leadsPerSecond
            if runCount > 1 {
                print(
                    "median of the \(runCount) runs: \(String(format: "%.0f", median.leadsPerSecond)) leads/s (runs: \(throughputs.map { String(format: "%.0f", $0.leadsPerSecond) }.joined(separator: ", ")))"
                )
            }
            if let peer = peerLeadsPerSecond {
                let ratio = median.leadsPerSecond / peer
                print(
                    "  against the peer's \(String(format: "%.1f", peer)) leads/s (lead in → reply queued, durable)\(runCount > 1 ? ", the median run" : ""): \(String(format: "%.1f", ratio))x (target 50x: \(ratio >= 50 ? "met" : "NOT met")); counting the intake: \(String(format: "%.1f", median.withIntake / peer))x"
                )
            }
            let latencyFolder = try Self.temporaryFolder()
            folders.append(latencyFolder)
            let latencies = try await Self.latencies(
                blueprint, consumer: try RuntimeStore(folder: latencyFolder),
                producer: try RuntimeStore(folder: latencyFolder), emailFolder: latencyFolder + "/outbox", rate: rate,
                seconds: seconds)
            print(Self.latencyLine(latencies, rate: rate, seconds: seconds))
            print(
                "  peak memory (max RSS): \(String(format: "%.1f", Self.peakMebibytes())) MiB (target under 50 MiB)"
            )
            try await postgres?.run(sqliteLeadsPerSecond: sqliteLeadsPerSecond)
        }

        /// The blueprint at `path`, its runaway limit raised to the most allowed: the benchmark
        /// measures throughput, not that limit.
        static func benchBlueprint(path: String) throws -> Blueprint {
            var blueprint = try BlueprintFile.load(path: path)
            for i in blueprint.agents.indices { blueprint.agents[i].limits.actionsPerHour = 10_000 }
            return blueprint
        }

        /// This process's peak memory so far (max RSS), in MiB.
        static func peakMebibytes() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_maxrss) / 1024
        }

        /// The CPU this process has used so far, user and system, in seconds.
        static func processorSeconds() -> (user: Double, system: Double) {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
            return (seconds(usage.ru_utime), seconds(usage.ru_stime))
        }

        /// `leads` leads stored in `store`, each by its own durable commit (`lead-0` …), as
        /// `baton event send` stores one; the nanoseconds it took.
        static func storeLeads(_ leads: Int, in store: any RuntimeStorage) async throws -> UInt64 {
            let start = DispatchTime.now().uptimeNanoseconds
            for i in 0..<leads {
                try await store.submit(
                    IntakeEvent(type: "lead.received", caseID: "lead-\(i)", payload: lead, producer: "intake"))
            }
            return DispatchTime.now().uptimeNanoseconds - start
        }

        /// `leads` in `nanoseconds`, per second.
        static func perSecond(_ leads: Int, _ nanoseconds: UInt64) -> Double {
            Double(leads) / (Double(max(1, nanoseconds)) / 1e9)
        }

        /// Leads waiting, through the four agents, then dispatched; prints the figures and returns the
        /// leads per second through the four agents, without and with the intake.
        private func throughputRun(
            _ blueprint: Blueprint, folder: String
        ) async throws -> (leadsPerSecond: Double, withIntake: Double) {
            let store = try RuntimeStore(folder: folder)
            let intakeNanoseconds = try await Self.storeLeads(leads, in: store)
            let engine = Engine(blueprint: blueprint, store: store)
            let dispatcher = Dispatcher(
                store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "bench@localhost")
            let start = DispatchTime.now().uptimeNanoseconds
            let processorBefore = Self.processorSeconds()
            let writerBefore = store.writerTime.total
            try await Self.runAsService(engine, store: store)
            let queued = DispatchTime.now().uptimeNanoseconds
            let processorAfter = Self.processorSeconds()
            let writer = store.writerTime.total - writerBefore
            let events = Self.processedEvents(try await store.metricsFacts(at: store.clock()))
            var sent = 0
            while case let batch = try await dispatcher.dispatch(), batch > 0 { sent += batch }
            let end = DispatchTime.now().uptimeNanoseconds
            let replies = try FileManager.default.contentsOfDirectory(atPath: folder + "/outbox").count
            func perSecond(_ from: UInt64, _ to: UInt64) -> Double { Self.perSecond(leads, to - from) }
            func speed(_ from: UInt64, _ to: UInt64) -> String {
                String(format: "%.0f leads/s (%.3f s)", perSecond(from, to), Double(to - from) / 1e9)
            }
            print("orchestrator (SQLite WAL, synchronous=FULL): \(leads) leads waiting, up to \(Self.batch) per commit")
            print("  through the 4 agents to reply queued (\(events) events): \(speed(start, queued))")
            // Less noisy than the wall clock on a shared machine: the work itself, whatever the waits.
            let (user, system) = (
                processorAfter.user - processorBefore.user, processorAfter.system - processorBefore.system
            )
            print(
                String(
                    format: "    CPU: %.0f µs a lead (user %.3f s, system %.3f s: %.2f of the cores on average)",
                    (user + system) / Double(leads) * 1e6, user, system,
                    (user + system) / (Double(queued - start) / 1e9)))
            // SQLite has one writer: when it is busy the whole phase, its time a lead bounds the throughput.
            let writerSeconds = writer / .seconds(1)
            print(
                String(
                    format:
                        "    the store's writer: %.0f µs a lead in its transactions (commit and fsync included), busy %.0f %% of the phase",
                    writerSeconds / Double(leads) * 1e6, writerSeconds / (Double(queued - start) / 1e9) * 100))
            print(
                "  then dispatching \(sent) actions (\(replies) .eml replies synced, CRM updates): \(speed(queued, end))"
            )
            print("  lead in → reply on disk, both steps: \(speed(start, end))")
            // The intake, one synced commit per lead as `baton event send` does, timed apart.
            let withIntake = Self.perSecond(leads, intakeNanoseconds + queued - start)
            print(
                "  counting the intake too (each lead stored by its own synced commit first): \(String(format: "%.0f", withIntake)) leads/s"
            )
            return (perSecond(start, queued), withIntake)
        }

        /// Events taken per batch (with the events they emit), as `baton run` does.
        static let batch = 256

        /// Runs the engine as `baton run` does — its service, which takes on new cases while the
        /// finished ones commit — until no event is ready. After each commit it only asks whether
        /// an event is still ready (one look at an index): counting the store's figures there
        /// (``RuntimeStore/metricsFacts(at:)``, which counts every queued action) took a tenth of
        /// the phase's CPU from the engine it measures.
        static func runAsService(_ engine: Engine, store: RuntimeStore) async throws {
            let committed = Wakeup()
            let service = EngineService(engine: engine, committed: committed, batchSize: batch)
            let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: Logger(label: "bench"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                while try await store.hasReadyEvents() {
                    await committed.wait(upTo: .milliseconds(100))
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }

        /// The events processed, as `facts` count them: those stored, less those delayed to a later
        /// time (such as follow-ups).
        static func processedEvents(_ facts: MetricsFacts) -> Int { (facts.totals["events"] ?? 0) - facts.delayed }

        static var lead: [String: Any] {
            [
                "name": "Lead", "email": "lead@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap",
            ]
        }

        /// A producer task offers `rate` leads a second for `seconds` (each its own durable commit in
        /// `producer`) while one engine runs on `consumer` (the same store, opened apart), dispatching
        /// between steps: in series, so a step waits for the dispatch before it (in `baton run` the
        /// dispatcher is a service beside the engine; run that way here, on PostgreSQL, it measured
        /// no better: the two share the same two cores). A lead's latency ends when the step that
        /// queued its reply has committed. The latencies in milliseconds, sorted.
        static func latencies(
            _ blueprint: Blueprint, consumer: some QueuedReplies, producer: any RuntimeStorage, emailFolder: String,
            rate: Int, seconds: Double
        ) async throws -> [Double] {
            let total = Int(Double(rate) * seconds)
            let received = Mutex([String: UInt64]())
            let offering = Task {
                let clock = ContinuousClock()
                let begin = clock.now
                for i in 0..<total {
                    try await clock.sleep(until: begin + .seconds(Double(i) / Double(rate)), tolerance: nil)
                    let caseID = "lead-\(i)"
                    received.withLock { $0[caseID] = DispatchTime.now().uptimeNanoseconds }
                    _ = try? await producer.submit(
                        IntakeEvent(type: "lead.received", caseID: caseID, payload: lead, producer: "intake"))
                }
            }
            defer { offering.cancel() }
            let engine = Engine(blueprint: blueprint, store: consumer)
            let dispatcher = Dispatcher(
                store: consumer, blueprint: blueprint, emailFolder: emailFolder, from: "bench@localhost")
            var latencies: [Double] = []
            var lastSeen: Int64 = 0
            let deadline = Date().addingTimeInterval(seconds + 30)
            while latencies.count < total && Date() < deadline {
                let processed = try await engine.processBatch(limit: batch)
                let committed = DispatchTime.now().uptimeNanoseconds
                for item in try await consumer.outbox(after: lastSeen) {
                    guard let id = item.id else { continue }
                    lastSeen = id
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

        /// The latency figures as the benchmark prints them.
        static func latencyLine(_ latencies: [Double], rate: Int, seconds: Double) -> String {
            func percentile(_ p: Double) -> Double {
                latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(p * Double(latencies.count - 1)))]
            }
            return
                "  latency, lead received → reply queued and committed, at \(rate) leads/s offered for \(Int(seconds)) s (\(latencies.count) leads): p50 \(String(format: "%.1f", percentile(0.5))) ms, p99 \(String(format: "%.1f", percentile(0.99))) ms (target p99 under 50 ms)"
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
            let child = ChildProcess()
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
