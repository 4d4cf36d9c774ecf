import BatonTestSupport
import Blueprint
import Foundation
import PostgresNIO
import Testing

@testable import Orchestrator
@testable import PostgresStore

/// The engine's writes held and sent together at commit (``RuntimeTransaction/holdWrites()``):
/// the answers given ahead are those each write would have had sent alone, or the transaction
/// keeps nothing and says so (``WriteCaseByCase``); and the engine's commit over them still leaves
/// out exactly the cases that moved on, counts a try on exactly the refused, and queues nothing twice.
@Suite("Held writes on PostgreSQL")
struct HeldWritesTests {
    /// One write or read of the engine's commit, over a small pool of events, keys and cases so
    /// that generated sequences hit the same rows again.
    enum Op: CustomStringConvertible {
        case finish(Int, EventRecord.Status)
        case emit(String, pending: Bool, due: Bool)
        case queue(String, case: String, email: Bool)
        case deferTo(String, case: String)
        case context(String, version: Int, expected: Int)
        case emails(String)

        var description: String {
            switch self {
            case .finish(let n, let status): "finish #\(n) \(status)"
            case .emit(let caseID, let pending, let due): "emit on \(caseID) pending \(pending) due \(due)"
            case .queue(let key, let caseID, let email): "queue \(key) on \(caseID) email \(email)"
            case .deferTo(let key, let caseID): "defer \(key) on \(caseID)"
            case .context(let caseID, let version, let expected): "context \(caseID) v\(version) over v\(expected)"
            case .emails(let caseID): "emails of \(caseID)"
            }
        }
    }

    static let cases = ["c0", "c1", "c2", "c3"]
    static let keys = ["k0", "k1", "k2", "k3", "k4", "k5"]
    static let at = Date(timeIntervalSince1970: 1_780_000_000)

    static func generate(_ rng: inout SplitMix) -> [Op] {
        (0..<(1 + Int(rng.next() % 14))).map { _ in
            let caseID = cases[Int(rng.next() % UInt64(cases.count))]
            let key = keys[Int(rng.next() % UInt64(keys.count))]
            switch rng.next() % 6 {
            case 0: return .finish(Int(rng.next() % 6), rng.next() % 2 == 0 ? .done : .cancelled)
            case 1: return .emit(caseID, pending: rng.next() % 2 == 0, due: rng.next() % 3 == 0)
            case 2: return .queue(key, case: caseID, email: rng.next() % 2 == 0)
            case 3: return .deferTo(key, case: caseID)
            case 4:
                // Mostly over the version stored (1 for c0 and c1, none for the others), sometimes not.
                let expected = Int(rng.next() % 3)
                return .context(caseID, version: expected + 1, expected: expected)
            default: return .emails(caseID)
            }
        }
    }

    /// A fresh tenant with six waiting events (two of them finished), two contexts at version 1,
    /// three queued actions (k0 to k2) and cases c0 and c1 leased to the store's worker (whose
    /// email counts the held path reads together), the same in every tenant.
    static func seeded() async throws -> (PostgresStore, [Int64]) {
        let store = try await PostgresStore.open(
            try PostgresSettings(url: try await TestServer.address(), environment: [:]), tenant: try Tenant.fresh(),
            clock: { at })
        var ids: [Int64] = []
        for n in 0..<6 {
            ids.append(
                try await store.submit(
                    IntakeEvent(
                        type: "lead.received", caseID: cases[n % cases.count], payloadJSON: "{}", producer: "intake",
                        idempotencyKey: "seed-\(n)")))
        }
        let seededIDs = ids
        try await store.transaction { tx in
            _ = try tx.finishEvent(seededIDs[4], as: .done)
            _ = try tx.finishEvent(seededIDs[5], as: .cancelled)
            _ = try tx.writeContext(caseID: "c0", contextJSON: "{}", version: 1, expected: 0)
            _ = try tx.writeContext(caseID: "c1", contextJSON: "{}", version: 1, expected: 0)
            for (n, key) in keys.prefix(3).enumerated() {
                try tx.queueAction(
                    key: key, caseID: cases[n], agent: "seed", action: .emailSend, payloadJSON: "{}", at: Self.at)
            }
        }
        // After the seeding, whose commit gives back the leases of the cases it finished events of.
        _ = try await store.rows(
            """
            INSERT INTO case_lease (case_id, worker, expires_at)
            VALUES ('c0', \(store.worker), now() + interval '1 hour'), ('c1', \(store.worker), now() + interval '1 hour')
            """)
        return (store, ids)
    }

    /// What each op answered, as text.
    static func apply(_ ops: [Op], _ ids: [Int64], _ tx: any RuntimeTransaction) throws -> [String] {
        try ops.map { op -> String in
            switch op {
            case .finish(let n, let status): return "\(try tx.finishEvent(ids[n], as: status))"
            case .emit(let caseID, let pending, let due):
                let row = EmittedEventRow(
                    type: "note", caseID: caseID, causationID: ids[0], payloadJSON: "{}", producer: "a",
                    status: pending ? .pending : .done, createdAt: at, dueAt: due ? at.addingTimeInterval(3_600) : nil)
                return "\(try tx.insertEvent(row))"
            case .queue(let key, let caseID, let email):
                let action: ActionKind = email ? .emailSend : "crm.update"
                return
                    "\(try tx.queueAction(key: key, caseID: caseID, agent: "a", action: action, payloadJSON: "{}", at: at))"
            case .deferTo(let key, let caseID):
                let goes = at.addingTimeInterval(600)
                return
                    "\(try tx.deferAction(key: key, caseID: caseID, agent: "a", action: .emailSend, payloadJSON: "{}", at: at, goes: goes))"
            case .context(let caseID, let version, let expected):
                let json = #"{"v":"\#(version)"}"#
                return "\(try tx.writeContext(caseID: caseID, contextJSON: json, version: version, expected: expected))"
            case .emails(let caseID): return "\(try tx.emailsQueued(caseID: caseID))"
            }
        }
    }

    /// Everything the ops can change, one line a row (every column of each row as text).
    static func state(_ store: PostgresStore) async throws -> [String] {
        let query: PostgresQuery = """
            SELECT 'event ' || (SELECT string_agg(concat_ws(' ', id, type, case_id, status, due_at), ', ' ORDER BY id) FROM event) AS line
            UNION ALL SELECT 'outbox ' || (SELECT string_agg(concat_ws(' ', idempotency_key, case_id, action, status,
                not_before), ', ' ORDER BY idempotency_key) FROM outbox)
            UNION ALL SELECT 'context ' || (SELECT string_agg(concat_ws(' ', case_id, context_json, version), ', '
                ORDER BY case_id) FROM case_context)
            """
        return try await store.rows(query).map { try $0("line", as: String?.self) ?? "none" }
    }

    @Test("generated commits: held answers are the answers sent alone, or nothing is kept", arguments: 0..<40)
    func heldAnswersAreTheImmediateOnes(seed: Int) async throws {
        var rng = SplitMix(seed: UInt64(seed) &* 7_919 &+ 16)
        try await Self.compare(Self.generate(&rng))
    }

    @Test("emails counted after held writes were sent for a read count those sent too")
    func emailsAfterHeldWritesWereSent() async throws {
        // The second context write of c0 sends what is held (its first, the email) before it.
        try await Self.compare([
            .emails("c0"), .queue("k7", case: "c0", email: true), .context("c0", version: 2, expected: 1),
            .context("c0", version: 3, expected: 2), .emails("c0"), .emails("c1"),
        ])
    }

    /// Runs `ops` held on one seeded tenant and sent alone on its twin, and compares.
    static func compare(_ ops: [Op]) async throws {
        let (held, heldIDs) = try await Self.seeded()
        let (sent, sentIDs) = try await Self.seeded()
        let before = try await Self.state(held)

        let immediate = try await sent.transaction { tx in try Self.apply(ops, sentIDs, tx) }
        let answered: [String]?
        do {
            answered = try await held.transaction { tx in
                tx.holdWrites()
                return try Self.apply(ops, heldIDs, tx)
            }
        } catch is WriteCaseByCase {
            answered = nil
        }

        if let answered {
            #expect(answered == immediate, "\(ops)")
            #expect(try await Self.state(held) == (try await Self.state(sent)), "\(ops)")
        } else {
            // Nothing kept: and it was right to refuse, for some answer given ahead was wrong.
            #expect(try await Self.state(held) == before, "\(ops)")
            let optimistic = try await Self.optimisticAnswers(ops, immediate)
            #expect(optimistic != immediate, "refused though every answer was right: \(ops)")
        }
    }

    /// The answers held writes give ahead: every write as done, except the second of an event
    /// finished or a key queued within the same transaction.
    static func optimisticAnswers(_ ops: [Op], _ immediate: [String]) async throws -> [String] {
        var finished: Set<Int> = []
        var queued: Set<String> = []
        var emails: [String: Int] = [:]
        return zip(ops, immediate).map { op, sent in
            switch op {
            case .finish(let n, _): return "\(finished.insert(n).inserted)"
            case .queue(let key, let caseID, let email):
                let new = queued.insert(key).inserted
                if new && email { emails[caseID, default: 0] += 1 }
                return "\(new)"
            case .deferTo(let key, let caseID):
                let new = queued.insert(key).inserted
                if new { emails[caseID, default: 0] += 1 }
                return "\(new)"
            case .context: return "true"
            case .emit, .emails: return sent
            }
        }
    }

    @Test("a write the server refuses fails the held transaction with WriteCaseByCase, keeping nothing")
    func aRefusalIsWriteCaseByCase() async throws {
        let (store, ids) = try await Self.seeded()
        _ = try await store.rows(
            """
            CREATE FUNCTION refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.case_id = 'refused' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$
            """)
        _ = try await store.rows(
            "CREATE TRIGGER refuse_for_test BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_for_test()")
        let before = try await Self.state(store)
        let first = ids[0]
        await #expect(throws: WriteCaseByCase.self) {
            try await store.transaction { tx in
                tx.holdWrites()
                _ = try tx.finishEvent(first, as: .done)
                try tx.queueAction(
                    key: "k9", caseID: "refused", agent: "a", action: .emailSend, payloadJSON: "{}", at: Self.at)
            }
        }
        #expect(try await Self.state(store) == before)
        // Without holdWrites the refusal is the server's own error, at the write, as before.
        await #expect(throws: PSQLError.self) {
            try await store.transaction { tx in
                try tx.queueAction(
                    key: "k9", caseID: "refused", agent: "a", action: .emailSend, payloadJSON: "{}", at: Self.at)
            }
        }
        #expect(try await Self.state(store) == before)
    }

    static let blueprint = BatonBinary.packageRoot.appendingPathComponent(
        "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"
    ).path

    /// The idempotency key of the first action the lead's step queues (as the engine makes it).
    static func firstKey(_ outcome: CaseOutcome) -> String? {
        for step in outcome.steps {
            guard case .stored(let id) = step.origin, case .ran(let runs) = step.result else { continue }
            for run in runs {
                if let action = run.outcome?.actions.first { return "\(id)-\(run.agent.id)-\(action.kind)-0" }
            }
        }
        return nil
    }

    @Test(
        "the engine's commit over held writes: exactly the moved cases left out, the refused tried once, no key twice",
        arguments: 0..<12)
    func commitFallsBackCaseByCase(seed: Int) async throws {
        var rng = SplitMix(seed: UInt64(seed) &* 104_729 &+ 12)
        let store = try await PostgresStore.open(
            try PostgresSettings(url: try await TestServer.address(), environment: [:]), tenant: try Tenant.fresh(),
            clock: { Self.at })
        let engine = Engine(blueprint: try BlueprintFile.load(path: Self.blueprint), store: store)
        let leads = (0..<12).map { "lead-\($0)" }
        for (n, caseID) in leads.enumerated() {
            _ = try await store.submit(
                IntakeEvent(
                    type: "lead.received", caseID: caseID,
                    payloadJSON: #"{"name": "Lead \#(n)", "email": "lead\#(n)@example.com", "budget": "4000"}"#,
                    producer: "intake", idempotencyKey: "held-\(n)"))
        }
        let snapshot = try await engine.read(limit: 256, excluding: [])
        let outcomes = await engine.run(snapshot.cases, snapshot)
        // Chosen per round, disjoint: contexts another writer moves on (0), cases whose actions the
        // server refuses (1), cases whose first action's key another writer queued first (2) — one
        // kind alone in three rounds of four (so that each alone must be found in the straight
        // commit), all three in the fourth.
        var pick: [String: Int] = [:]
        for lead in leads {
            let kind = Int(rng.next() % 5)
            pick[lead] = seed % 4 == 3 || kind == seed % 4 ? kind : 4
        }
        pick[leads[seed % leads.count]] = seed % 4 == 3 ? 0 : seed % 4
        let moved = Set(leads.filter { pick[$0] == 0 })
        let refused = Set(leads.filter { pick[$0] == 1 })
        let keyed = Dictionary(
            uniqueKeysWithValues: outcomes.filter { pick[$0.caseID] == 2 }.compactMap { o in
                Self.firstKey(o).map { (o.caseID, $0) }
            })
        for one in snapshot.cases where moved.contains(one.caseID) {
            _ = try await store.transaction { tx in
                try tx.writeContext(
                    caseID: one.caseID, contextJSON: "{}", version: one.version + 1, expected: one.version)
            }
        }
        for (caseID, key) in keyed {
            try await store.transaction { tx in
                try tx.queueAction(
                    key: key, caseID: caseID, agent: "before", action: "crm.update", payloadJSON: "{}", at: Self.at)
            }
        }
        if !refused.isEmpty {
            // Case ids of the form lead-N, safe to write into the trigger as literals.
            let names = refused.sorted().map { "'\($0)'" }.joined(separator: ",")
            _ = try await store.rows(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE FUNCTION refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN IF NEW.case_id IN (\(names)) THEN RAISE EXCEPTION 'refused for the test'; END IF;
                        RETURN NEW; END $$;
                        """))
            _ = try await store.rows(
                "CREATE TRIGGER refuse_for_test BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_for_test()"
            )
        }

        let committed = try await engine.commit(outcomes)

        #expect(Set(committed.conflicts) == moved)
        let rows = try await store.rows("SELECT case_id, status, attempts FROM event WHERE type = 'lead.received'")
        for row in rows {
            let (caseID, status, attempts) = (
                try row("case_id", as: String.self), try row("status", as: String.self),
                try row("attempts", as: Int.self)
            )
            let wrong = CommitOutcome.mismatch(
                caseID: caseID, status: status, attempts: attempts, moved: moved, refused: refused)
            #expect(wrong == nil, "\(wrong ?? "")")
        }
        let queued = try await store.rows("SELECT case_id, idempotency_key, agent FROM outbox")
        let queuedCases = Set(try queued.map { try $0("case_id", as: String.self) })
        #expect(queuedCases == Set(leads).subtracting(moved).subtracting(refused))
        for (caseID, key) in keyed {
            let rows = try queued.filter { try $0("idempotency_key", as: String.self) == key }
            let agents = try rows.map { try $0("agent", as: String.self) }
            #expect(agents == ["before"], "\(caseID): \(key) queued twice")
        }

        // Once the store takes them again, the cases left out are answered.
        _ = try await store.rows("DROP TRIGGER IF EXISTS refuse_for_test ON outbox")
        _ = try await engine.runUntilIdle()
        let pending = try await store.value(
            "SELECT count(*) FROM event WHERE status = 'pending' AND due_at IS NULL", as: Int64.self)
        #expect(pending == 0)
        let answered = Set(
            try await store.rows("SELECT case_id FROM outbox").map { try $0("case_id", as: String.self) })
        #expect(answered == Set(leads))
    }
}
