import BatonTestSupport
import Foundation
import GRDB
import Spawning
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The issue's burst through the real binary: 120 leads in a minute to the plumbing contractor's
/// blueprint (`actions_per_hour: 30`). Every lead is answered, at most 30 actions per agent an hour,
/// with a few notices to the owner and no approval; deferred actions survive a SIGKILL and go once.
/// The hours pass on the binary's own clock: `BATON_NOW` starts each run's runtime clock at a set
/// time, from where it ticks, so the test waits for no hour.
struct HourlyLimitRunTests {
    /// `baton ARGUMENTS` with its runtime clock started at `time`.
    static func baton(at time: Date, _ arguments: [String]) -> ChildProcess {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: BatonBinary.path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging([
            "BATON_NOW": ISO8601DateFormatter().string(from: time), "BATON_INTAKE_TOKEN": "burst",
        ]) { $1 }
        return process
    }

    /// `baton run --listen 127.0.0.1:0` from `time`, and the port it reports once listening.
    static func start(_ blueprint: String, _ data: String, at time: Date) async throws -> (ChildProcess, Int) {
        let runner = baton(at: time, ["run", blueprint, "--listen", "127.0.0.1:0", "--data-dir", data])
        // A generous bound: a debug build boots in seconds, slower while other builds run.
        return try await IntakeCrashTests.listening(runner)
    }

    /// Reads the runtime's database (WAL: beside a running `baton run`).
    static func read<T: Sendable>(_ data: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T
    {
        var configuration = Configuration()
        configuration.readonly = true
        return try await DatabaseQueue(path: data + "/runtime.sqlite", configuration: configuration).read(body)
    }

    /// 2 March 2026 at `hour`:00 UTC.
    static func hour(_ hour: Int) -> Date {
        ISO8601DateFormatter().date(from: "2026-03-02T\(hour):00:00Z")!
    }

    /// When the first action deferred by the hourly limit goes, if one waits.
    static func firstDeferred(_ data: String) async throws -> Date? {
        try await read(data) {
            try Date.fetchOne($0, sql: "SELECT min(not_before) FROM outbox WHERE status = 'deferred'")
        }
    }

    /// Waits (up to a generous bound) until `done` holds of the database.
    static func wait(_ data: String, _ what: String, _ done: @escaping @Sendable (Database) throws -> Bool) async throws
    {
        if try await !holds(data, done) { Issue.record("timed out waiting for \(what)") }
    }

    /// Whether `done` comes to hold of the database within a generous bound.
    static func holds(_ data: String, _ done: @escaping @Sendable (Database) throws -> Bool) async throws -> Bool {
        for _ in 0..<6000 {
            if (try? await read(data, done)) == true { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func aBurstOf120LeadsIsAnsweredWithAFewNoticesAndDeferredActionsSurviveASIGKILL() async throws {
        let data = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        // The plumbing example's blueprint as generated, with the owner's address for the notices.
        let golden = try String(
            contentsOf: BatonBinary.packageRoot.appendingPathComponent(
                "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"), encoding: .utf8)
        let blueprint = data + "-blueprint.yaml"
        defer { try? FileManager.default.removeItem(atPath: blueprint) }
        try golden.replacingOccurrences(
            of: "      folder: outbox\n",
            with: "      folder: outbox\n      people:\n        owner: owner@bowriver.example\n"
        ).write(toFile: blueprint, atomically: true, encoding: .utf8)
        #expect(golden.contains("actions_per_hour: 30"))

        // 16:00 UTC: 120 leads in well under a minute, eight clients at a time.
        let (runner, port) = try await Self.start(blueprint, data, at: Self.hour(16))
        let url = URL(string: "http://127.0.0.1:\(port)/v1/events")!
        let accepted = await withTaskGroup(of: Int.self) { group in
            for client in 0..<8 {
                group.addTask {
                    var accepted = 0
                    for n in stride(from: client, to: 120, by: 8) {
                        var request = URLRequest(url: url)
                        request.httpMethod = "POST"
                        request.setValue("Bearer burst", forHTTPHeaderField: "Authorization")
                        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                        request.setValue("burst-\(n)", forHTTPHeaderField: "Idempotency-Key")
                        request.httpBody = Data(
                            #"{"type": "lead.received", "payload": {"name": "Lead \#(n)", "email": "lead\#(n)@example.com", "phone": "403-555-0100", "budget": "5000", "postal_code": "T2P 1J9", "timeline": "asap", "message": "Our water heater is leaking, can someone come this week?"}}"#
                                .utf8)
                        if let (_, response) = try? await IntakeCrashTests.session.data(for: request),
                            (response as? HTTPURLResponse)?.statusCode == 202
                        {
                            accepted += 1
                        }
                    }
                    return accepted
                }
            }
            return await group.reduce(0, +)
        }
        #expect(accepted == 120)
        // Every lead processed and what could go now gone; then the process dies without warning.
        try await Self.wait(data, "the burst to be processed") { db in
            // (Follow-ups wait for their day: only events ready now count.)
            try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NULL") == 0
                && Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE type = 'lead.received'") == 120
                && Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE status = 'queued'") == 0
        }
        kill(runner.processIdentifier, SIGKILL)
        runner.waitUntilExit()
        let first = try await Self.read(data) { db in
            try [String: Int](
                uniqueKeysWithValues: Row.fetchAll(
                    db, sql: "SELECT status, count(*) AS n FROM outbox WHERE agent <> 'baton' GROUP BY status"
                ).map { ($0["status"], $0["n"]) })
        }
        #expect((first["deferred"] ?? 0) > 0, "nothing was deferred: \(first)")
        #expect(try await Self.read(data) { try Int.fetchOne($0, sql: "SELECT count(*) FROM approval") } == 0)

        // The next hour, on the clock of the first run's own steps (a loaded machine may have taken
        // minutes over them): a second run starts 20 s before the first deferred action goes, and is
        // killed as it sends.
        let firstDeferred = try #require(try await Self.firstDeferred(data))
        let secondStart = firstDeferred.addingTimeInterval(-20)
        let (second, _) = try await Self.start(blueprint, data, at: secondStart)
        // (On a loaded machine the sends may not have begun within the bound: the kill then lands
        // before them, and the runs below still must send everything once; said below.)
        let killedWhileSending = try await Self.holds(data) { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= ?", arguments: [secondStart])
                ?? 0 > 0
        }
        kill(second.processIdentifier, SIGKILL)
        second.waitUntilExit()
        // Then runs that do what is due and stop, each a minute after the next deferred action's time,
        // until nothing waits (the third and fourth hours; a last one for what the kill left queued).
        var runs = 0
        var time = secondStart
        while runs < 6 {
            let next = try await Self.firstDeferred(data)
            let queued = try await Self.read(data) {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM outbox WHERE status = 'queued'") ?? 0
            }
            guard next != nil || queued > 0 else { break }
            time = max(time, next ?? time).addingTimeInterval(60)
            let run = Self.baton(at: time, ["run", blueprint, "--once", "--data-dir", data])
            run.standardOutput = .nullDevice
            run.standardError = .nullDevice
            try run.run()
            while run.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            #expect(run.terminationStatus == 0, "baton run --once at \(time)")
            runs += 1
        }

        let outbox = try await Self.read(data) { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT idempotency_key AS key, agent, action, status, payload_json,
                        coalesce(not_before, created_at) AS goes FROM outbox ORDER BY goes
                    """
            ).map {
                (
                    key: $0["key"] as String, agent: $0["agent"] as String, action: $0["action"] as String,
                    status: $0["status"] as String, payload: $0["payload_json"] as String, goes: $0["goes"] as Date
                )
            }
        }
        // Everything went, each action once.
        #expect(outbox.allSatisfy { $0.status == "sent" }, "\(outbox.filter { $0.status != "sent" }.map(\.key))")
        let sentLines = try await Self.read(data) { db in
            try String.fetchAll(db, sql: "SELECT detail FROM audit WHERE kind = 'sent'")
        }
        #expect(Set(sentLines).count == sentLines.count, "an action was sent twice")
        #expect(sentLines.count == outbox.count)
        // Every lead answered: a reply in the outbox folder addressed to each.
        let folder = data + "/outbox"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".eml") }
        let mails = try files.map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }
        for n in 0..<120 {
            #expect(mails.contains { $0.contains("To: lead\(n)@example.com") }, "lead \(n) got no reply")
        }
        // A few notices to the owner (one per agent over its limit), and nothing for them to approve.
        let notices = mails.filter { $0.contains("To: owner@bowriver.example") }
        let agents = Set(outbox.map(\.agent)).subtracting(["baton"])
        #expect(!notices.isEmpty && notices.count <= agents.count, "\(notices.count) notices")
        #expect(notices.allSatisfy { $0.contains("reached its limit of 30 actions an hour") })
        #expect(try await Self.read(data) { try Int.fetchOne($0, sql: "SELECT count(*) FROM approval") } == 0)
        // At most 30 actions per agent in any hour, counted at the time each went.
        for agent in agents {
            let times = outbox.filter { $0.agent == agent }.map(\.goes).sorted()
            for index in times.indices.dropLast(30) {
                #expect(times[index + 30].timeIntervalSince(times[index]) >= 3600, "\(agent) over 30 an hour")
            }
        }
        print(
            "hourly limit run: 120 leads, \(outbox.count) actions over 4 hours (first hour: \(first)), \(notices.count) notices to the owner, 0 approvals, one SIGKILL with actions deferred and one \(killedWhileSending ? "while they went" : "before the second hour's sends began"), \(runs) runs after it"
        )
    }
}
