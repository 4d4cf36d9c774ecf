import BatonTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

@testable import PostgresStore

/// Issue 16's crash test: three real `baton run` workers on one tenant, leads flowing in over HTTP
/// to all three while each worker is SIGKILLed twice at seeded-random moments and restarted in its
/// data folder; the replies go by SMTP to a real server (aiosmtpd on loopback). A lead whose POST
/// fails because its worker died is posted again to another worker with the same idempotency key,
/// as a load balancer's client does. Every lead is stored once and answered by one email (one
/// Message-ID at the server), the outbox records no action sent twice, and the daily report — due
/// while the kills land — runs once: its run and its day recorded, its email sent once.
///
/// The leases are short (`--case-lease 3 --outbox-lease 20`), so a killed worker's cases and sends
/// come back within seconds. `BATON_CRASH_SEED` runs a printed schedule again.
@Suite("Workers SIGKILLed while leads flow", .serialized)
struct WorkerCrashRunTests {
    static let leads = 120
    static let killsPerWorker = 2
    static let token = "crash-intake"
    /// The email connector's timeout and the outbox lease, longer (as `baton run` insists).
    /// (Long enough that aiosmtpd, slow beside the whole suite, is not taken for a dead server.)
    static let smtpTimeout = 15
    static let leases = ["--case-lease", "3", "--outbox-lease", "20"]
    static let owner = "owner@bowriver.example"

    /// The plumbing blueprint answering by SMTP at `port`, the daily report emailed to the owner,
    /// and limits that never bind (a burst beyond them is the hourly limits' test).
    static func blueprint(smtpPort port: Int, in folder: String) throws -> String {
        let golden = try String(contentsOfFile: TenantIsolationRunTests.golden, encoding: .utf8)
        let text = BlueprintEdits.sendingBySMTP(golden, port: port, timeoutSeconds: smtpTimeout)
            .replacingOccurrences(of: "actions_per_hour: 30", with: "actions_per_hour: 1000")
            .replacingOccurrences(of: "    recipients:\n    - owner\n", with: "    recipients:\n    - \(owner)\n")
        #expect(text.contains("kind: smtp") && text.contains("- \(owner)") && !text.contains("actions_per_hour: 30"))
        let file = folder + "/crash.blueprint.yaml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Lead `n`: a contact form's name, email and free text.
    static func lead(_ n: Int, run: String) -> (email: String, body: String) {
        let names = ["Sam Patel", "Zoë Ørsted", "محمد", "Chris O'Brien", "J", "Ana \"Nana\" Lima"]
        let messages = [
            "Hi, I need a quote for next week.", "Water heater died this morning, urgent!",
            "Can you give me an estimate?", "Leak under the sink 🚰 can you come by Friday?",
            "Budget around $2,500 for a new water heater in Calgary.", "<b>Burst pipe</b> in the garage & no water",
            "Please call me back.", "Renovating this month, need rough-in plumbing.\nThanks,\nAna",
        ]
        let email = "lead\(n)-\(run)@example.com"
        let form = ["name": names[n % names.count], "email": email, "message": messages[n % messages.count]]
        let payload = String(decoding: (try? JSONSerialization.data(withJSONObject: form)) ?? Data(), as: UTF8.self)
        return (email, #"{"type": "lead.received", "payload": \#(payload)}"#)
    }

    /// The three workers: each slot's running process (restarted in place), and the kills so far.
    final class Fleet: Sendable {
        let url: String
        let tenant: String
        let blueprint: String
        let folders: [String]
        /// The runtime clock's start, and when (on this machine's clock) it was: a restarted worker
        /// resumes the same runtime time.
        let clockStart: Date
        let began = Date()
        let running: Mutex<[RunningWorker?]>
        /// Each kill: the slot and when.
        let kills = Mutex<[(slot: Int, at: Date)]>([])

        init(url: String, tenant: String, blueprint: String, folders: [String], clockStart: Date) {
            self.url = url
            self.tenant = tenant
            self.blueprint = blueprint
            self.folders = folders
            self.clockStart = clockStart
            running = Mutex(Array(repeating: nil, count: folders.count))
        }

        /// Starts (or restarts) the worker of `slot` in its folder, on the shared runtime clock.
        func start(_ slot: Int) async throws {
            let now = ISO8601DateFormatter().string(
                from: clockStart.addingTimeInterval(Date().timeIntervalSince(began)))
            let worker = try await RunningWorker.start(
                blueprint: blueprint, url: url, tenant: tenant, data: folders[slot],
                environment: ["BATON_NOW": now, "BATON_INTAKE_TOKEN": WorkerCrashRunTests.token],
                extra: WorkerCrashRunTests.leases)
            running.withLock { $0[slot] = worker }
        }

        /// SIGKILLs the worker of `slot` and waits for it to be gone; whether the signal ended it.
        func kill(_ slot: Int) async throws -> Bool {
            guard let worker = running.withLock({ $0[slot] }) else { return false }
            try await worker.stop(SIGKILL)
            kills.withLock { $0.append((slot, Date())) }
            return worker.process.terminationReason == .uncaughtSignal && worker.process.terminationStatus == SIGKILL
        }

        /// The port the balancer sends `slot`'s requests to: its worker's, dead or alive.
        func port(_ slot: Int) -> Int? { running.withLock { $0[slot]?.port } }

        /// Kills what still runs (the test's end, however it ends).
        func killAll() {
            for worker in running.withLock({ $0 }) {
                if let worker { Glibc.kill(worker.process.processIdentifier, SIGKILL) }
            }
        }
    }

    /// What the clients saw (leads accepted, POSTs that failed and went elsewhere, answers that
    /// refused a lead) and the kills that ended their worker.
    final class Tally: Sendable {
        let accepted = Mutex<Set<Int>>([])
        let retried = Atomic(0)
        let refused = Mutex<[String]>([])
        let killedBySignal = Atomic(0)
    }

    /// Posts lead `n` as a load balancer's client does: to worker `n % 3` first, then to the next
    /// whenever a POST fails (no connection, cut off, 5xx), with the same idempotency key, until a
    /// worker accepts it or `deadline` passes.
    static func post(_ n: Int, run: String, fleet: Fleet, tally: Tally, until deadline: ContinuousClock.Instant) async {
        let (_, body) = lead(n, run: run)
        let headers = [
            "Authorization": "Bearer \(token)", "Content-Type": "application/json",
            "Idempotency-Key": "crash-\(run)-\(n)",
        ]
        var slot = n % fleet.folders.count
        while ContinuousClock.now < deadline {
            if let port = fleet.port(slot) {
                let answer = try? await onThread {
                    try LoopbackHTTP.send(
                        port: port, "POST", "/v1/events", headers: headers, body: body, timeout: PeerTimeout.seconds)
                }
                if let answer, (200..<300).contains(answer.status) {
                    tally.accepted.withLock { _ = $0.insert(n) }
                    return
                }
                if let answer, answer.status < 500 {
                    tally.refused.withLock { $0.append("lead \(n): \(answer.status) \(answer.body)") }
                    return
                }
            }
            tally.retried.add(1, ordering: .relaxed)
            slot = (slot + 1) % fleet.folders.count
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// The messages the SMTP server stored: recipients and Message-ID of each.
    static func mail(_ folder: String) -> [(to: [String], messageID: String)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(".json")
        }
        return names.compactMap { name in
            guard let bytes = FileManager.default.contents(atPath: folder + "/" + name),
                let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any],
                let to = object["rcpt_tos"] as? [String], let id = object["message_id"] as? String
            else { return nil }
            return (to, id)
        }
    }

    @Test("three workers, each SIGKILLed twice while leads flow: every lead answered once, the daily report run once")
    func killedWorkersLoseNothingAndRepeatNothing() async throws {
        let started = ContinuousClock.now
        let seed =
            ProcessInfo.processInfo.environment["BATON_CRASH_SEED"].flatMap { UInt64($0) }
            ?? UInt64(Date().timeIntervalSince1970 * 1000)
        print("worker crash test: seed \(seed) (BATON_CRASH_SEED=\(seed) runs this schedule again)")
        var random = SplitMix(seed: seed)
        let url = try await TestServer.address()
        let tenant = StoreCommandTests.freshTenant()
        let run = String(tenant.suffix(6))
        let folder = BatonBinary.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mailFolder = folder + "/mail"
        let smtp = try await PythonPeer.start("Tests/ConnectorsTests/Peers/smtp_server.py", ["--folder", mailFolder])
        defer { smtp.stop() }
        let blueprint = try Self.blueprint(smtpPort: smtp.port, in: folder)
        let folders = (0..<3).map { folder + "/worker\($0)" }
        for worker in folders {
            try FileManager.default.createDirectory(atPath: worker, withIntermediateDirectories: true)
        }
        let migrated = try await StoreCommandTests.baton(
            ["store", "migrate", "--store", url, "--tenant", tenant, "--data-dir", folders[0]])
        #expect(migrated.status == 0, "\(migrated.stderr)")

        // The last report was yesterday's (17:30 in Edmonton: 23:30 UTC); today's falls due 25 s
        // into the runtime clock, while the leads flow and the kills land.
        let store = try await PostgresStore.open(
            try PostgresSettings(url: url, environment: [:]), tenant: try Tenant(explicit: tenant))
        let yesterday = try #require(ISO8601DateFormatter().date(from: "2026-03-09T23:30:00Z"))
        let today = try #require(ISO8601DateFormatter().date(from: "2026-03-10T23:30:00Z"))
        try await store.transaction { try $0.setLastRun("daily_report", at: yesterday) }
        let fleet = Fleet(
            url: url, tenant: tenant, blueprint: blueprint, folders: folders, clockStart: today.addingTimeInterval(-25))
        defer { fleet.killAll() }
        for slot in folders.indices { try await fleet.start(slot) }

        // Each worker killed twice, in a seeded order, 0.5 to 4 s apart, each down 0 to 1.5 s.
        var order = Array(folders.indices.flatMap { Array(repeating: $0, count: Self.killsPerWorker) })
        order.shuffle(using: &random)
        let schedule = order.map { (slot: $0, gap: 500 + random.below(3500), down: random.below(1500)) }
        print(
            "worker crash test: kills (worker, ms before, ms down) \(schedule.map { "(\($0.slot), \($0.gap), \($0.down))" })"
        )
        let tally = Tally()
        let postDeadline = ContinuousClock.now + .seconds(150)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for kill in schedule {
                    try await Task.sleep(for: .milliseconds(kill.gap))
                    if try await fleet.kill(kill.slot) { tally.killedBySignal.add(1, ordering: .relaxed) }
                    try await Task.sleep(for: .milliseconds(kill.down))
                    try await fleet.start(kill.slot)
                }
            }
            // A lead every 250 ms, each posted on its own.
            let flowStart = ContinuousClock.now
            for n in 0..<Self.leads {
                try await Task.sleep(until: flowStart + .milliseconds(250 * n))
                group.addTask { await Self.post(n, run: run, fleet: fleet, tally: tally, until: postDeadline) }
            }
            try await group.waitForAll()
        }
        let kills = fleet.kills.withLock { $0 }
        let accepted = tally.accepted.withLock { $0 }
        #expect(tally.refused.withLock { $0 }.isEmpty, "\(tally.refused.withLock { $0 })")
        #expect(
            accepted.count == Self.leads, "leads never accepted: \(Set(0..<Self.leads).subtracting(accepted).sorted())")

        // The dust settles: every lead's event handled, nothing left to send, the replies and the
        // report at the server (bounded: the leases are seconds).
        let emails = Set(accepted.map { Self.lead($0, run: run).email })
        var settled = false
        let settleDeadline = ContinuousClock.now + .seconds(240)
        while ContinuousClock.now < settleDeadline {
            let waiting =
                try await store.value(
                    "SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NULL", as: Int.self) ?? -1
            let unsent = try await store.value("SELECT count(*) FROM outbox WHERE status <> 'sent'", as: Int.self) ?? -1
            let delivered = Set(Self.mail(mailFolder).flatMap(\.to))
            if waiting == 0 && unsent == 0 && emails.isSubset(of: delivered) && delivered.contains(Self.owner) {
                settled = true
                break
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        // A second copy, if one were coming (the outbox lease is 20 s).
        try await Task.sleep(for: .seconds(21))
        let waiting = try await store.value(
            "SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NULL", as: Int.self)
        let unsent = try await store.rows(
            "SELECT idempotency_key, status, attempts, last_error FROM outbox WHERE status <> 'sent'"
        ).map { "\(try $0("idempotency_key", as: String.self)) \(try $0("status", as: String.self))" }
        #expect(settled, "not settled in 240 s: \(waiting ?? -1) events waiting, unsent: \(unsent)")
        #expect(waiting == 0)
        #expect(unsent.isEmpty, "\(unsent)")

        // Each lead stored once (its idempotency key), answered by one email: one Message-ID at the
        // server. A message that reached the server just before its worker died, unrecorded, is sent
        // again with the same Message-ID (the docs' window); a second Message-ID is a second reply.
        let stored = try await store.value(
            "SELECT count(*) FROM event WHERE type = 'lead.received' AND producer = 'intake'", as: Int.self)
        #expect(stored == Self.leads)
        let messages = Self.mail(mailFolder)
        var (copies, answered) = (0, 0)
        for email in emails.sorted() {
            let replies = messages.filter { $0.to == [email] }
            if Set(replies.map(\.messageID)).count == 1 { answered += 1 }
            #expect(
                Set(replies.map(\.messageID)).count == 1,
                "\(email): \(replies.count) replies \(replies.map(\.messageID))")
            copies += max(0, replies.count - 1)
        }
        let strangers = messages.filter { Set($0.to).isDisjoint(with: emails.union([Self.owner])) }
        #expect(strangers.isEmpty, "mail to no lead: \(strangers.map(\.to))")
        // No outbox item recorded sent twice (by two workers, one of them past its lease).
        let twice = try await store.rows(
            "SELECT detail, count(*) AS n FROM audit WHERE kind = 'sent' GROUP BY detail HAVING count(*) > 1"
        ).map { try $0("detail", as: String.self) }
        #expect(twice.isEmpty, "sent twice: \(twice)")
        let sent = try await store.value("SELECT count(*) FROM outbox WHERE status = 'sent'", as: Int.self) ?? 0

        // Every worker was killed twice, each time by the signal.
        #expect(tally.killedBySignal.load(ordering: .relaxed) == schedule.count)
        for slot in folders.indices {
            #expect(kills.filter { $0.slot == slot }.count >= Self.killsPerWorker, "worker \(slot): \(kills)")
        }

        // The daily report ran once: its run and its day recorded, its email sent once.
        // (The clock's own record is the latest slot of the job's grid a worker claimed: at or after the time.)
        #expect(try await store.lastRun("clock: daily report").map { $0 >= today } == true)
        #expect(try await store.lastRun("daily_report") == today)
        let reports = messages.filter { $0.to == [Self.owner] }
        // (One Message-ID: a copy sent again in the window above keeps its Message-ID.)
        #expect(Set(reports.map(\.messageID)).count == 1, "\(reports.count) report emails: \(reports.map(\.messageID))")
        // Its file is written before its run commits: a worker killed in between leaves one behind
        // and another writes it again. Every file but the last must be such a leftover.
        let files = folders.indices.flatMap { slot in
            let reports = folders[slot] + "/reports"
            return ((try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []).filter {
                $0.hasSuffix(".md")
            }
            .compactMap { name -> (slot: Int, at: Date)? in
                let attributes = try? FileManager.default.attributesOfItem(atPath: reports + "/" + name)
                return (attributes?[.modificationDate] as? Date).map { (slot, $0) }
            }
        }.sorted { $0.at < $1.at }
        #expect(!files.isEmpty, "no daily report file")
        for file in files.dropLast() {
            #expect(
                kills.contains { $0.slot == file.slot && $0.at >= file.at && $0.at < file.at + 60 },
                "a second report file, and worker \(file.slot) was not killed as it wrote the first: \(files) \(kills)")
        }
        let wall = (ContinuousClock.now - started).components.seconds
        print(
            """
            worker crash test: \(Self.leads) leads, \(accepted.count) accepted (\(tally.retried.load(ordering: .relaxed)) \
            POSTs failed and went to another worker), \(kills.count) SIGKILLs (\(folders.indices.map { slot in kills.filter { $0.slot == slot }.count }) \
            per worker), \(answered) leads answered with one Message-ID each (\(copies) repeated copies), \
            \(sent) outbox items sent once each, \(reports.count) daily report email and \(files.count) report file(s); \(wall) s
            """)
        await store.close()
    }
}
