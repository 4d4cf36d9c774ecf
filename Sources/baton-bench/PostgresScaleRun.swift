import Blueprint
import Foundation
import Orchestrator
import PostgresStore

/// `baton-bench orchestrator --store URL`: the same lead flow on PostgreSQL, after the SQLite run
/// and beside its figure. For each worker count, the leads wait in a fresh schema
/// (`bench_RUN_wN`), then N `orchestrator-worker` processes, each with its own connection pool as
/// each `baton run` has, work them together (events taken `SKIP LOCKED`, cases leased) until none
/// is ready; then the latency at a steady offered load, one engine in this process
/// (`bench_RUN_latency`). The schemas are left in the database (a benchmark database is a
/// throwaway one: `scripts/bench-postgres` starts its own server).
struct PostgresScaleRun {
    let url: String
    let settings: PostgresSettings
    let blueprint: Blueprint
    let blueprintPath: String
    let leads: Int
    let workers: [Int]
    let rate: Int
    let seconds: Double
    let peerLeadsPerSecond: Double?
    /// This run's mark in its schemas' names, so that runs never see each other's data.
    let run = UUID().uuidString.prefix(8).lowercased()

    /// Checks the server now (it answers, takes the login, and a tenant's schema can be made), so
    /// that a wrong URL fails before the SQLite run rather than after it; in a worker process, so
    /// that this process's memory figure for the SQLite run holds no PostgreSQL client.
    ///
    /// - Throws: ``WorkerProcessError`` when the server cannot be used (the worker says why).
    init(
        url: String, blueprint: Blueprint, blueprintPath: String, leads: Int, workers: [Int], rate: Int,
        seconds: Double, peerLeadsPerSecond: Double?
    ) async throws {
        self.url = url
        settings = try StoreOptions.settings(url: url)
        self.blueprint = blueprint
        self.blueprintPath = blueprintPath
        self.leads = leads
        self.workers = workers
        self.rate = rate
        self.seconds = seconds
        self.peerLeadsPerSecond = peerLeadsPerSecond
        let check = try WorkerProcess(arguments: arguments(tenant: tenant("latency")) + ["--prepare"])
        do {
            try await check.ready()
        } catch {
            check.kill()
            throw error
        }
        _ = try await check.stop()
    }

    /// This run's schema for `suffix`.
    private func tenant(_ suffix: String) -> String { "bench_\(run)_\(suffix)" }

    /// A worker's arguments for `tenant`.
    private func arguments(tenant: String) -> [String] {
        ["--store", url, "--tenant", tenant, "--blueprint", blueprintPath]
    }

    /// The store of this run's tenant `suffix`, its schema made.
    private func open(_ suffix: String) async throws -> PostgresStore {
        try await PostgresStore.connect(
            settings, tenant: try Tenant(explicit: tenant(suffix)), migrate: true, within: .seconds(30))
    }

    /// Every worker count's throughput, then the latency; prints the figures.
    func run(sqliteLeadsPerSecond: Double) async throws {
        print(
            "orchestrator on PostgreSQL (\(settings.redacted), schemas bench_\(run)_…): \(leads) leads waiting, up to \(BatonBench.OrchestratorRun.batch) per commit; each worker a baton-bench process with its own connection pool"
        )
        var oneWorker: Double?
        var peakKiB = 0
        for count in workers {
            let (leadsPerSecond, kib) = try await throughput(workers: count)
            if count == 1 { oneWorker = leadsPerSecond }
            peakKiB = max(peakKiB, kib)
        }
        print(
            "  SQLite in this run: \(String(format: "%.0f", sqliteLeadsPerSecond)) leads/s through the 4 agents (one process, one file)"
        )
        if let peer = peerLeadsPerSecond, let oneWorker {
            let ratio = oneWorker / peer
            print(
                "  one worker against the peer's \(String(format: "%.1f", peer)) leads/s (LangGraph on the same PostgreSQL): \(String(format: "%.1f", ratio))x (target 10x: \(ratio >= 10 ? "met" : "NOT met"))"
            )
        }
        print(
            "  peak memory of a worker process (max RSS): \(String(format: "%.1f", Double(peakKiB) / 1024)) MiB")
        try await latency()
    }

    /// `count` worker processes through this run's leads on a fresh schema: leads per second, and the
    /// largest peak memory of a worker, in KiB.
    private func throughput(workers count: Int) async throws -> (leadsPerSecond: Double, peakKiB: Int) {
        let store = try await open("w\(count)")
        do {
            let intake = try await BatonBench.OrchestratorRun.storeLeads(leads, in: store)
            let arguments = arguments(tenant: store.tenant.schema)
            var started: [WorkerProcess] = []
            do {
                for _ in 0..<count { started.append(try WorkerProcess(arguments: arguments)) }
                for worker in started { try await worker.ready() }
            } catch {
                for worker in started { worker.kill() }
                throw error
            }
            let start = DispatchTime.now().uptimeNanoseconds
            for worker in started { try worker.go() }
            // Done when no event is ready: each is pending until the commit that finishes it.
            let deadline = Date().addingTimeInterval(120 + Double(leads) / 10)
            var facts = try await store.metricsFacts(at: store.clock())
            while facts.ready > 0 {
                guard Date() < deadline else {
                    for worker in started { worker.kill() }
                    throw BenchFailure("\(count) worker(s) left \(facts.ready) events waiting after \(Int(deadline.timeIntervalSinceNow)) s")
                }
                try await Task.sleep(for: .milliseconds(20))
                facts = try await store.metricsFacts(at: store.clock())
            }
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            var peakKiB = 0
            for worker in started { peakKiB = max(peakKiB, try await worker.stop()) }
            facts = try await store.metricsFacts(at: store.clock())
            await store.close()
            let leadsPerSecond = BatonBench.OrchestratorRun.perSecond(leads, elapsed)
            let replies = facts.totals["actions.\(ActionKind.emailSend.rawValue)"] ?? 0
            let ratio = peerLeadsPerSecond.map { String(format: ", %.1fx the peer", leadsPerSecond / $0) } ?? ""
            print(
                "  \(count) worker\(count == 1 ? "" : "s"): \(String(format: "%.0f leads/s (%.3f s)", leadsPerSecond, Double(elapsed) / 1e9)) through the 4 agents to reply queued (\(BatonBench.OrchestratorRun.processedEvents(facts)) events, \(replies) replies queued)\(ratio); storing the leads first, one commit each: \(String(format: "%.0f", BatonBench.OrchestratorRun.perSecond(leads, intake))) leads/s"
            )
            return (leadsPerSecond, peakKiB)
        } catch {
            await store.close()
            throw error
        }
    }

    /// The latency at `rate` leads/s offered, one engine in this process on a fresh schema.
    private func latency() async throws {
        let consumer = try await open("latency")
        let producer: PostgresStore
        do {
            producer = try await open("latency")
        } catch {
            await consumer.close()
            throw error
        }
        let folder = try BatonBench.OrchestratorRun.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let latencies: [Double]
        do {
            latencies = try await BatonBench.OrchestratorRun.latencies(
                blueprint, consumer: consumer, producer: producer, emailFolder: folder + "/outbox", rate: rate,
                seconds: seconds)
        } catch {
            await consumer.close()
            await producer.close()
            throw error
        }
        await consumer.close()
        await producer.close()
        print(BatonBench.OrchestratorRun.latencyLine(latencies, rate: rate, seconds: seconds) + " (one engine)")
    }
}

/// The benchmark could not measure what it set out to.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
