import BatonTestSupport
import Foundation
import Synchronization
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// The clock jobs of several workers on one PostgreSQL tenant: four `SchedulerService`s, each on a
/// store (a connection pool) of its own, driven pass by pass over generated clocks. Each job runs
/// once per due time across them, never twice at once, and never skipped when the worker running
/// it dies mid-run (its task cancelled and its store closed, as a killed process's connections
/// close); a worker started in its place finds the runs done.
@Suite("Clock jobs across workers", .serialized)
struct ClockJobTests {
    /// What the jobs' work saw, across the workers.
    final class Ledger: Sendable {
        /// Each job's finished runs, by the grid slot (due time ÷ interval) of the clock they ran at.
        let finished = Mutex<[Schedule.Job: [Int]]>([:])
        /// Runs of a job working now, and the times a second one started meanwhile.
        let running = Mutex<[Schedule.Job: Int]>([:])
        let overlaps = Mutex(0)
        /// The job whose next run hangs until cancelled, and the worker that then hung.
        let hangNext = Mutex<Schedule.Job?>(nil)
        let victim = Mutex<Int?>(nil)

        func work(_ job: Schedule.Job, interval: TimeInterval, worker: Int, clock: TestClock) async throws -> String? {
            let now = clock.now
            if running.withLock({ running in
                defer { running[job, default: 0] += 1 }
                return running[job, default: 0] > 0
            }) {
                overlaps.withLock { $0 += 1 }
            }
            defer { running.withLock { $0[job, default: 0] -= 1 } }
            if hangNext.withLock({ hang in
                defer { if hang == job { hang = nil } }
                return hang == job
            }) {
                victim.withLock { $0 = worker }
                try await Task.sleep(for: .seconds(3600))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...4)))
            finished.withLock {
                $0[job, default: []].append(Int((now.timeIntervalSince1970 / interval).rounded(.down)))
            }
            return nil
        }
    }

    struct Worker {
        let store: PostgresStore
        let service: SchedulerService
        var schedule: Schedule
    }

    static func worker(
        _ index: Int, tenant: Tenant, intervals: [Schedule.Job: TimeInterval], clock: TestClock, ledger: Ledger
    ) async throws -> Worker {
        var limits = PostgresStore.Limits()
        limits.connections = 3
        let store = try await PostgresStore.open(
            try PostgresSettings(url: try await TestServer.address(), environment: [:]), tenant: tenant,
            clock: { clock.now }, limits: limits)
        var work: [Schedule.Job: (every: TimeInterval, work: SchedulerService.Work)] = [:]
        for (job, every) in intervals {
            work[job] = (every, { try await ledger.work(job, interval: every, worker: index, clock: clock) })
        }
        let service = SchedulerService(jobs: work, runs: store, clock: { clock.now }, log: { _ in })
        return Worker(store: store, service: service, schedule: service.schedule(start: clock.now))
    }

    @Test(
        "four workers over generated clocks: each job once per due time, and once when its worker dies mid-run",
        arguments: 0..<5)
    func eachDueTimeRunsOnce(seed: UInt64) async throws {
        var rng = SplitMix(seed: 0xC10C + seed)
        let tenant = try Tenant.fresh()
        let clock = TestClock(Date(timeIntervalSince1970: 1_780_000_000 + Double(rng.below(100_000))))
        var intervals: [Schedule.Job: TimeInterval] = [:]
        for job in Schedule.Job.allCases { intervals[job] = rng.pick([10, 15, 20, 30, 60]) }
        let ledger = Ledger()
        var workers: [Int: Worker] = [:]
        for index in 0..<4 {
            workers[index] = try await Self.worker(
                index, tenant: tenant, intervals: intervals, clock: clock, ledger: ledger)
        }
        var next = 4
        var visited: [Schedule.Job: Set<Int>] = [:]
        var previous: Date?
        var kills = 0
        var afterKill = false
        for round in 0..<70 {
            let now = clock.now
            let slot = { (job: Schedule.Job) in Int((now.timeIntervalSince1970 / intervals[job]!).rounded(.down)) }
            for job in Schedule.Job.allCases { visited[job, default: []].insert(slot(job)) }
            // A job whose new slot starts in this round, with time left in it for the others to look again.
            let fresh = Schedule.Job.allCases.filter { job in
                let left = Double(slot(job) + 1) * intervals[job]! - now.timeIntervalSince1970
                let started = previous.map {
                    slot(job) != Int(($0.timeIntervalSince1970 / intervals[job]!).rounded(.down))
                }
                return (started ?? false) && left >= 6
            }
            let kill = !fresh.isEmpty && !afterKill && round < 66 && (rng.chance(50) || (kills == 0 && round > 20))
            if kill { ledger.hangNext.withLock { $0 = rng.pick(fresh) } }
            ledger.victim.withLock { $0 = nil }
            var passes: [Int: Task<Schedule, Never>] = [:]
            for (index, worker) in workers {
                passes[index] = Task { [service = worker.service, schedule = worker.schedule] in
                    var schedule = schedule
                    await service.pass(&schedule)
                    return schedule
                }
            }
            if kill { _ = try await eventually { ledger.victim.withLock { $0 } != nil } }
            let victim = kill ? ledger.victim.withLock { $0 } : nil
            if kill && victim == nil { Issue.record("no worker took the run that was to hang") }
            for (index, pass) in passes where index != victim { workers[index]?.schedule = await pass.value }
            if let victim, let dying = workers.removeValue(forKey: victim), let pass = passes[victim] {
                // The worker dies mid-run: its work stops and its connections close.
                pass.cancel()
                _ = await pass.value
                await dying.store.close()
                kills += 1
                workers[next] = try await Self.worker(
                    next, tenant: tenant, intervals: intervals, clock: clock, ledger: ledger)
                next += 1
            }
            afterKill = kill
            previous = now
            // Small steps (the rechecks 1 s later fall in the same slot after a kill); now and then a jump.
            let step =
                kill
                ? 1 + Double(rng.below(500)) / 1000
                : rng.chance(5) ? Double(rng.below(400)) : 0.2 + Double(rng.below(3000)) / 1000
            clock.advance(step)
        }
        #expect(kills >= 1)
        #expect(ledger.overlaps.withLock { $0 } == 0, "a job ran twice at once")
        let finished = ledger.finished.withLock { $0 }
        for job in Schedule.Job.allCases {
            #expect(finished[job, default: []].sorted() == visited[job, default: []].sorted(), "\(job): runs by slot")
        }
        for worker in workers.values { await worker.store.close() }
        print(
            "clock jobs, seed \(seed): \(finished.values.map(\.count).reduce(0, +)) runs over \(next) workers, \(kills) killed mid-run"
        )
    }
}
