import BatonTestSupport
import Foundation
import Testing

@testable import Orchestrator

/// The schedule of a worker that shares its store's clock jobs: due times on each interval's grid,
/// the same for every worker, and the runs another worker had in hand looked at again.
struct ScheduleGridTests {
    @Test(arguments: 0..<50) func overGeneratedClocksEachVisitedSlotIsOneRun(seed: UInt64) {
        var rng = SplitMix(seed: seed)
        let start = Date(timeIntervalSince1970: 1_780_000_000 + Double(rng.below(1_000_000)) / 7)
        var intervals: [Schedule.Job: TimeInterval] = [:]
        for job in Schedule.Job.allCases { intervals[job] = Double(1 + rng.below(600)) }
        var schedule = Schedule(intervals: intervals, start: start, onGrid: true)
        var runs: [Schedule.Run] = []
        var visited: Set<Schedule.Run> = []
        var now = start
        for _ in 0..<300 {
            for job in Schedule.Job.allCases {
                visited.insert(Schedule.Run(job: job, due: schedule.slot(of: job, at: now)))
            }
            for run in schedule.runs(at: now) {
                #expect(run.due <= now && now.timeIntervalSince(run.due) < intervals[run.job]!)
                #expect(run.due.timeIntervalSince1970.truncatingRemainder(dividingBy: intervals[run.job]!) == 0)
                runs.append(run)
            }
            for (job, due) in schedule.due { #expect(due > now, "\(job) is due in the past after runs") }
            now = now.addingTimeInterval(rng.chance(3) ? Double(rng.below(5000)) : Double(rng.below(20_000)) / 1000)
        }
        #expect(runs.count == Set(runs).count, "a slot ran twice")
        #expect(Set(runs) == visited, "a slot the clock passed through did not run")
    }

    @Test func aRunAnotherWorkerHeldComesBackAtItsTimeWithItsOwnDueTime() {
        let start = Date(timeIntervalSince1970: 1_780_000_010)
        var schedule = Schedule(intervals: [.approvalTimeouts: 15], start: start, onGrid: true)
        let first = schedule.runs(at: start)
        #expect(first == [Schedule.Run(job: .approvalTimeouts, due: Date(timeIntervalSince1970: 1_780_000_005))])
        schedule.recheck(first[0], at: start.addingTimeInterval(1))
        #expect(schedule.nextDue == start.addingTimeInterval(1))
        #expect(schedule.runs(at: start.addingTimeInterval(0.5)) == [])
        // Looked at again in the next slot: the held run, then the slot's own.
        #expect(
            schedule.runs(at: start.addingTimeInterval(11))
                == [first[0], Schedule.Run(job: .approvalTimeouts, due: Date(timeIntervalSince1970: 1_780_000_020))])
        #expect(schedule.rechecks.isEmpty)
    }

    @Test func offTheGridEveryRunIsDueWhenItIsTaken() {
        let start = Date(timeIntervalSince1970: 1_780_000_005)
        var schedule = Schedule(intervals: [.books: 60], start: start)
        #expect(schedule.runs(at: start) == [Schedule.Run(job: .books, due: start)])
        #expect(
            schedule.runs(at: start.addingTimeInterval(61)) == [
                Schedule.Run(job: .books, due: start.addingTimeInterval(61))
            ])
    }
}
