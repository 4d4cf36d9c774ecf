import BatonTestSupport
import Foundation
import GRDB
import Synchronization
import Testing

@testable import Orchestrator

/// A door a commit waits at until the test opens it.
final class CommitGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let go = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if go { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// What a commit the test controls answers for a poisoned event, or a whole failed group.
struct Refused: Error {}

/// The group-committing writer with a commit the test controls: what it groups, whom it answers
/// with what, and what it refuses.
struct EventIntakeWriterTests {
    /// An event numbered by its case, so a result can be matched to its submitter.
    static func event(_ number: Int, type: String = "lead.received", key: String? = nil) -> IntakeEvent {
        IntakeEvent(
            type: type, caseID: "\(number)", payloadJSON: #"{"n":"\#(number)"}"#, producer: "test", idempotencyKey: key)
    }

    /// Records each group; answers each event with its own number as id; the first commit waits
    /// at the gate.
    final class Recorder: Sendable {
        let groups = Mutex<[[IntakeEvent]]>([])
        let gate = CommitGate()

        var commit: EventIntakeWriter.Commit {
            { events in
                let first = self.groups.withLock { groups -> Bool in
                    groups.append(events)
                    return groups.count == 1
                }
                if first { await self.gate.wait() }
                return events.map { event in
                    event.type == "poison"
                        ? .failure(Refused())
                        : .success(StoredIntake(id: Int64(event.caseID)!, caseID: event.caseID, isNew: true))
                }
            }
        }

        func waitForGroups(_ count: Int) async throws {
            // A loaded machine may start the drain late.
            #expect(try await eventually { groups.withLock { $0.count } >= count })
        }
    }

    /// Waits (up to a minute, for a loaded machine) until `count` submissions wait in `writer`.
    static func untilWaiting(_ count: Int, _ writer: EventIntakeWriter) async throws {
        _ = try await eventually { writer.waiting >= count }
        try #require(writer.waiting == count, "\(writer.waiting) submissions waiting, not \(count)")
    }

    @Test(arguments: [1, 2, 17, 300])
    func everythingThatArrivesDuringACommitSharesTheNextOne(waiting: Int) async throws {
        let recorder = Recorder()
        let commits = Atomic(0)
        // What is grouped, not how long a submission may wait (its own test): a wait the whole suite's
        // load stretches past the 5 s default is no failure here.
        let writer = EventIntakeWriter(
            limits: .init(timeout: .seconds(60)), onCommit: { commits.add(1, ordering: .relaxed) },
            commit: recorder.commit)
        async let first = writer.submit(Self.event(0))
        try await recorder.waitForGroups(1)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 1...waiting {
                group.addTask {
                    let stored = try await writer.submit(Self.event(number))
                    #expect(stored.id == Int64(number) && stored.caseID == "\(number)" && stored.isNew)
                }
            }
            // Every submission is queued behind the held commit before it goes on.
            try await Self.untilWaiting(waiting + 1, writer)
            recorder.gate.open()
            try await group.waitForAll()
        }
        #expect(try await first.id == 0)
        let groups = recorder.groups.withLock { $0 }
        #expect(groups.map(\.count) == [1, waiting])
        #expect(Set(groups[1].map(\.caseID)) == Set((1...waiting).map(String.init)))
        #expect(writer.groups.count == 2 && writer.groups.largest == waiting)
        #expect(commits.load(ordering: .relaxed) == 2)
    }

    @Test func oneEventThatFailsFailsAloneInItsGroup() async throws {
        let recorder = Recorder()
        recorder.gate.open()
        let writer = EventIntakeWriter(limits: .init(timeout: .seconds(60)), commit: recorder.commit)
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for number in 0..<60 {
                group.addTask {
                    do {
                        _ = try await writer.submit(Self.event(number, type: number % 7 == 3 ? "poison" : "lead"))
                        return (number, true)
                    } catch { return (number, false) }
                }
            }
            return try await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        for number in 0..<60 { #expect(outcomes[number] == (number % 7 != 3), "event \(number)") }
    }

    @Test func aCommitThatThrowsFailsItsGroupAndTheNextGroupStillCommits() async throws {
        let calls = Atomic(0)
        // What fails and what commits, not how long a submission may wait (its own test): the whole
        // suite's load has stretched a wait past the 5 s default here.
        let writer = EventIntakeWriter(limits: .init(timeout: .seconds(600))) { events in
            if calls.add(1, ordering: .relaxed).newValue == 1 { throw Refused() }
            return events.map { .success(StoredIntake(id: Int64($0.caseID)!, caseID: $0.caseID, isNew: true)) }
        }
        await #expect(throws: Refused.self) { try await writer.submit(Self.event(1)) }
        #expect(try await writer.submit(Self.event(2)).id == 2)
    }

    @Test func pastTheBoundASubmissionIsRefusedAtOnceAndTheWaitingOnesStillCommit() async throws {
        let recorder = Recorder()
        let writer = EventIntakeWriter(limits: .init(maxWaiting: 10, timeout: .seconds(30)), commit: recorder.commit)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in 0..<10 { group.addTask { _ = try await writer.submit(Self.event(number)) } }
            try await recorder.waitForGroups(1)
            try await Self.untilWaiting(10, writer)
            for number in 10..<15 {
                do {
                    _ = try await writer.submit(Self.event(number))
                    Issue.record("event \(number) was taken past the bound")
                } catch let error as IntakeWriterError {
                    #expect(error.isOverloaded && !error.isTimeout)
                }
            }
            recorder.gate.open()
            try await group.waitForAll()
        }
        let committed = recorder.groups.withLock { $0.flatMap { $0.map(\.caseID) } }
        #expect(Set(committed) == Set((0..<10).map(String.init)) && committed.count == 10)
        // Room again once answered.
        #expect(try await writer.submit(Self.event(99)).id == 99)
    }

    @Test func aSubmissionThatWaitsTooLongIsAnsweredAndNotCommittedLater() async throws {
        let recorder = Recorder()
        let writer = EventIntakeWriter(
            limits: .init(maxWaiting: 100, timeout: .milliseconds(200)), commit: recorder.commit)
        let errors = await withTaskGroup(of: (any Error)?.self) { group in
            for number in 0..<5 {
                group.addTask {
                    do {
                        _ = try await writer.submit(Self.event(number))
                        return nil
                    } catch { return error }
                }
                if number == 0 { try? await recorder.waitForGroups(1) }
            }
            return await group.reduce(into: [(any Error)?]()) { $0.append($1) }
        }
        #expect(errors.count == 5 && errors.allSatisfy { ($0 as? IntakeWriterError)?.isTimeout == true })
        recorder.gate.open()
        try await Task.sleep(for: .milliseconds(100))
        // Only the one already in the commit reached the store; the queued ones were dropped.
        #expect(recorder.groups.withLock { $0.map(\.count) } == [1])
        // The writer still takes events (again if one waits past the 200 ms on a loaded machine).
        var stored: Int64?
        for _ in 0..<100 where stored == nil { stored = try? await writer.submit(Self.event(7)).id }
        #expect(stored == 7)
    }

    // MARK: - Against the real store

    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("baton-group-\(UUID().uuidString)").path
    }

    @Test func aGroupStoresEachEventOnceByKeyAndRollsBackOnlyTheOneThatFails() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        let earlier = try store.store(
            type: "lead.received", caseID: "old", payload: ["n": "0"], producer: "intake", idempotencyKey: "k-old")
        // A hostile database: inserts of this event type are refused, as a full disk or a
        // constraint would refuse them.
        try await DatabaseQueue(path: folder + "/runtime.sqlite").write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse_poison BEFORE INSERT ON event WHEN NEW.type = 'poison'
                    BEGIN SELECT RAISE(ABORT, 'poisoned'); END
                    """)
        }
        var events: [IntakeEvent] = []
        var generator = SystemRandomNumberGenerator()
        for number in 0..<200 {
            let type = number % 11 == 4 ? "poison" : "lead.received"
            // (A poisoned event with a key stored before it would rightly answer as that repeat.)
            let key: String? =
                type == "poison" ? nil : number % 5 == 0 ? "k-\(number % 15)" : (number == 7 ? "k-old" : nil)
            // A key is bound to its body: every use of one key sends the same body (k-old, the
            // body stored before).
            var event = Self.event(number, type: type, key: key)
            if let key { event.payloadJSON = key == "k-old" ? #"{"n":"0"}"# : #"{"n":"\#(key)"}"# }
            events.append(event)
        }
        events.shuffle(using: &generator)
        // And, last, one reuse of a key with another body: refused, whatever else is in the group.
        events.append(Self.event(999, key: "k-0"))
        let results = try await store.store(group: events)
        #expect(results.count == events.count)
        var firstByKey: [String: Int64] = ["k-old": earlier.id]
        for (event, result) in zip(events, results) {
            if event.type == "poison" {
                #expect(throws: DatabaseError.self) { try result.get() }
                continue
            }
            if event.caseID == "999" {
                #expect(throws: IntakeRefusal.self) { try result.get() }
                continue
            }
            let stored = try result.get()
            if let key = event.idempotencyKey {
                if let first = firstByKey[key] {
                    #expect(stored.id == first && !stored.isNew, "\(key)")
                } else {
                    firstByKey[key] = stored.id
                    #expect(stored.isNew && stored.caseID == event.caseID)
                }
            } else {
                #expect(stored.isNew && stored.caseID == event.caseID)
            }
        }
        // Re-opened: exactly what was answered as stored, once.
        let reopened = try RuntimeStore(folder: folder)
        let stored = try reopened.events()
        #expect(!stored.contains { $0.type == "poison" })
        #expect(Set(stored.compactMap(\.idempotencyKey)).count == stored.compactMap(\.idempotencyKey).count)
        let expectedNew = results.filter { (try? $0.get())?.isNew == true }.count
        #expect(!stored.contains { $0.caseID == "999" })
        #expect(stored.count == expectedNew + 1)
        for (event, result) in zip(events, results) {
            guard let answer = try? result.get() else { continue }
            let record = try #require(stored.first { $0.id == answer.id })
            if event.idempotencyKey == nil { #expect(record.payloadJSON == event.payloadJSON) }
        }
    }

    /// Keys that differ only after a NUL, or are made of control characters: each is its own key,
    /// stored whole, and its repeat is found as a repeat — never a constraint error that would fail
    /// the group it arrived in.
    @Test func keysWithNULsAndControlsAreKeptApartAndRepeatsFound() async throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder)
        let keys = ["k\u{0}a", "k\u{0}b", "k", "\u{0}", "\u{0}\u{0}", "k\u{1}\u{1F}\u{7F}", "k\u{0}a\u{0}"]
        let first = try await store.store(group: keys.enumerated().map { Self.event($0.offset, key: $0.element) })
        let again = try await store.store(group: keys.enumerated().map { Self.event($0.offset, key: $0.element) })
        for (one, two) in zip(first, again) {
            let stored = try one.get()
            let repeated = try two.get()
            #expect(stored.isNew && !repeated.isNew && repeated.id == stored.id)
        }
        #expect(Set(try first.map { try $0.get().id }).count == keys.count)
    }
}
