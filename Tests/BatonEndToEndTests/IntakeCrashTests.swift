import BatonTestSupport
import Foundation
import GRDB
import Spawning
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The intake's promise under SIGKILL: every `POST /v1/events` answered 2xx is in the database
/// when it is opened again, once, even with group commits in flight at the kill.
struct IntakeCrashTests {
    struct NotListening: Error { let log: String }

    /// What the clients saw: the ids answered 2xx, and the requests cut off in the current round.
    final class Tally: Sendable {
        let acknowledged = Mutex<[String]>([])
        let unanswered = Atomic(0)
    }

    /// `baton run --listen 127.0.0.1:0`, and the port it reports once listening.
    static func start(_ blueprint: String, _ data: String) async throws -> (ChildProcess, Int) {
        let runner = ChildProcess()
        runner.executableURL = URL(fileURLWithPath: BatonBinary.path)
        runner.arguments = ["run", blueprint, "--listen", "127.0.0.1:0", "--data-dir", data]
        runner.environment = ProcessInfo.processInfo.environment.merging(["BATON_INTAKE_TOKEN": "crash"]) { $1 }
        return try await listening(runner)
    }

    /// Starts `runner` (a `baton run --listen 127.0.0.1:0`) and returns the port it reports once
    /// listening, waiting up to `limit` (a debug build starting beside the whole suite is slow).
    static func listening(_ runner: ChildProcess, within limit: Duration = .seconds(120)) async throws
        -> (ChildProcess, Int)
    {
        let log = Pipe()
        let text = Mutex("")
        log.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        runner.standardError = .pipe(log)
        runner.standardOutput = .nullDevice
        try runner.run()
        if let port = try await BatonBinary.listeningPort(of: runner, log: { text.withLock { $0 } }, within: limit) {
            return (runner, port)
        }
        runner.terminate()
        throw NotListening(log: text.withLock { $0 })
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 32
        configuration.timeoutIntervalForRequest = PeerTimeout.seconds
        return URLSession(configuration: configuration)
    }()

    @Test func everyEventAnswered2xxBeforeASIGKILLIsStoredOnce() async throws {
        let data = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let blueprint = BatonBinary.packageRoot.appendingPathComponent(
            "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"
        ).path
        let tally = Tally()
        var lostAtKill: [Int] = []
        for round in 0..<4 {
            let (runner, port) = try await Self.start(blueprint, data)
            let url = URL(string: "http://127.0.0.1:\(port)/v1/events")!
            let pid = runner.processIdentifier
            tally.unanswered.store(0, ordering: .relaxed)
            // 24 clients posting numbered leads back to back; the kill lands among them.
            await withTaskGroup(of: Void.self) { group in
                for client in 0..<24 {
                    group.addTask {
                        for n in 0... {
                            let id = "crash-\(round)-\(client)-\(n)"
                            var request = URLRequest(url: url)
                            request.httpMethod = "POST"
                            request.setValue("Bearer crash", forHTTPHeaderField: "Authorization")
                            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                            request.setValue(id, forHTTPHeaderField: "Idempotency-Key")
                            request.httpBody = Data(
                                #"{"type": "lead.received", "payload": {"name": "Lead", "email": "\#(id)@example.com"}}"#
                                    .utf8)
                            guard let (_, response) = try? await Self.session.data(for: request) else {
                                tally.unanswered.add(1, ordering: .relaxed)
                                return
                            }
                            guard (response as? HTTPURLResponse).map({ (200..<300).contains($0.statusCode) }) == true
                            else { return }
                            tally.acknowledged.withLock { $0.append(id) }
                        }
                    }
                }
                group.addTask {
                    // Once this round has had its share answered (a loaded machine may take a while to
                    // get there), a little later by round, with requests in flight.
                    let before = tally.acknowledged.withLock { $0.count }
                    let deadline = ContinuousClock.now + .seconds(60)
                    while tally.acknowledged.withLock({ $0.count }) < before + 30 && ContinuousClock.now < deadline {
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                    try? await Task.sleep(for: .milliseconds(20 + 40 * (round % 3)))
                    kill(pid, SIGKILL)
                }
            }
            runner.waitUntilExit()
            lostAtKill.append(tally.unanswered.load(ordering: .relaxed))
        }
        let answered = tally.acknowledged.withLock { $0 }
        let stored = try await DatabaseQueue(path: data + "/runtime.sqlite").read { db in
            try [String: Int](
                uniqueKeysWithValues: Row.fetchAll(
                    // Each lead is known by its email (an outside producer names no case).
                    db,
                    sql: """
                        SELECT json_extract(payload_json, '$.email') AS email, count(*) AS n FROM event
                        WHERE producer = 'intake' GROUP BY email
                        """
                ).map { (String(($0["email"] as String).dropLast("@example.com".count)), $0["n"]) })
        }
        #expect(answered.count > 100, "too few requests got through to prove anything")
        for id in answered { #expect(stored[id] == 1, "\(id) was answered 2xx but stored \(stored[id] ?? 0) times") }
        // Nothing is stored twice, acknowledged or not.
        #expect(stored.values.allSatisfy { $0 == 1 })
        // The kills landed with requests in flight, or the test proves nothing.
        #expect(lostAtKill.filter { $0 > 0 }.count >= 3, "\(lostAtKill)")
        print(
            "intake crash test: \(answered.count) events answered 2xx across \(lostAtKill.count) SIGKILLs (requests cut off at each: \(lostAtKill)); \(stored.count) stored, every answered one once"
        )
    }
}
