import BatonTestSupport
import Foundation
import Testing

/// Two businesses in one PostgreSQL database, each served by a real `baton run --listen` worker on
/// its own tenant: a case id, an approval id or a dashboard token of one is refused by the other's
/// server (404 for an id, exactly as for an id no one has; 401 for a token, which is none there),
/// and nothing of the other business is in the answer; each still serves its own.
@Suite("Two tenants in one database", .serialized)
struct TenantIsolationRunTests {
    /// One business: its tenant, its worker, its dashboard token, and what its leads said.
    struct Business {
        let tenant: String
        let worker: RunningWorker
        let token: String
        /// The case and approval ids its leads made, and the text only its leads carry.
        var cases: [String] = []
        var approvals: [Int] = []
        let marker: String
    }

    static let golden = BatonBinary.packageRoot.appendingPathComponent(
        "Tests/BlueprintTests/Golden/plumbing-contractor.blueprint.yaml"
    ).path

    /// A business on a fresh tenant: migrated, a dashboard token made, its worker listening. With
    /// `held`, the first email to each new lead waits for the owner (an approval per lead).
    static func business(_ name: String, url: String, held: Bool) async throws -> Business {
        let tenant = StoreCommandTests.freshTenant()
        let data = BatonBinary.temporaryFolder()
        var text = try String(contentsOfFile: golden, encoding: .utf8)
        if held {
            text = text.replacingOccurrences(
                of: "approvals:\n",
                with:
                    "approvals:\n- action: email.send\n  when: first_contact\n  approver: owner\n  timeout:\n    after: 4h\n    then: remind\n"
            )
        }
        let blueprint = data + "/\(name).blueprint.yaml"
        try text.write(toFile: blueprint, atomically: true, encoding: .utf8)
        let on = ["--store", url, "--tenant", tenant, "--data-dir", data]
        let migrated = try await StoreCommandTests.baton(["store", "migrate"] + on)
        #expect(migrated.status == 0, "\(migrated.stderr)")
        let token = try await StoreCommandTests.baton(["approvals", "token"] + on).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let worker = try await RunningWorker.start(
            blueprint: blueprint, url: url, tenant: tenant, data: data,
            environment: ["BATON_INTAKE_TOKEN": "intake-\(name)"])
        return Business(tenant: tenant, worker: worker, token: token, marker: "\(name)-\(tenant)")
    }

    /// Posts `count` leads to the business's intake; keeps the case ids it answers with.
    static func post(_ count: Int, to business: inout Business, name: String) async throws {
        for n in 1...count {
            let answer = try await business.worker.send(
                "POST", "/v1/events",
                headers: ["Authorization": "Bearer intake-\(name)", "Content-Type": "application/json"],
                body:
                    #"{"type": "lead.received", "payload": {"name": "\#(business.marker) \#(n)", "email": "\#(business.marker)-\#(n)@example.com", "budget": "4000", "city": "Calgary", "timeline": "asap"}}"#
            )
            #expect(answer.status == 202, "\(answer.body)")
            let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: String]
            business.cases.append(try #require(object?["case"]))
        }
    }

    /// A GET with a bearer token.
    static func get(_ business: Business, _ path: String, token: String) async throws -> LoopbackHTTP.Response {
        try await business.worker.send("GET", path, headers: ["Authorization": "Bearer \(token)"])
    }

    /// `asked`'s answer about another business's ids, beside its answer about ids no one has: the
    /// same status and the same body (with the id asked for in it), and nothing of `other`'s leads.
    static func refuses(_ asked: Business, _ other: Business) async throws {
        for id in other.cases {
            let answer = try await get(asked, "/v1/cases/\(id)", token: asked.token)
            let unknown = try await get(asked, "/v1/cases/\(id)x", token: asked.token)
            #expect(answer.status == 404)
            #expect(answer.body == unknown.body.replacingOccurrences(of: "\(id)x", with: id))
            #expect(!answer.body.contains(other.marker))
            let cookie = try await onThread { [port = asked.worker.port, token = asked.token] in
                try LoopbackHTTP.signIn(port: port, token: token)
            }
            let page = try await asked.worker.send("GET", "/cases/\(id)", headers: ["Cookie": cookie])
            #expect(page.status == 404 && !page.body.contains(other.marker))
        }
        for id in other.approvals {
            let answer = try await get(asked, "/v1/approvals/\(id)", token: asked.token)
            #expect(answer.status == 404, "\(answer.body)")
            #expect(!answer.body.contains(other.marker))
            let decided = try await asked.worker.send(
                "POST", "/v1/approvals/\(id)/approve", headers: ["Authorization": "Bearer \(asked.token)"])
            #expect(!(200..<300).contains(decided.status) && !decided.body.contains(other.marker))
        }
        // The other's dashboard token is no token here: the API and the sign-in refuse it.
        for path in ["/v1/approvals"] + other.cases.prefix(1).map { "/v1/cases/\($0)" } {
            let answer = try await get(asked, path, token: other.token)
            #expect(answer.status == 401 && !answer.body.contains(other.marker), "\(path): \(answer.status)")
        }
        let form = try await asked.worker.send("GET", "/login")
        let nonce = try #require(form.header("Set-Cookie")?.split(separator: ";").first)
        let csrf = try #require(form.body.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)
        let signIn = try await asked.worker.send(
            "POST", "/login", headers: ["Content-Type": "application/x-www-form-urlencoded", "Cookie": String(nonce)],
            body: "csrf=\(csrf)&token=\(other.token)")
        #expect(signIn.status == 401 && !signIn.body.contains(other.marker))
    }

    @Test("a case id, an approval id and a dashboard token of one business are refused by the other's server")
    func eachBusinessSeesOnlyItsOwn() async throws {
        let url = try await TestServer.address()
        var alpha = try await Self.business("alpha", url: url, held: true)
        var beta = try await Self.business("beta", url: url, held: false)
        defer {
            kill(alpha.worker.process.processIdentifier, SIGKILL)
            kill(beta.worker.process.processIdentifier, SIGKILL)
        }
        try await Self.post(4, to: &alpha, name: "alpha")
        try await Self.post(3, to: &beta, name: "beta")
        // Alpha's first replies wait for the owner: an approval per lead, once its worker ran them.
        let deadline = ContinuousClock.now + .seconds(180)
        while alpha.approvals.count < 4 && ContinuousClock.now < deadline {
            let listed = try await Self.get(alpha, "/v1/approvals", token: alpha.token)
            let approvals = try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]] ?? []
            alpha.approvals = approvals.compactMap { $0["id"] as? Int }
            if alpha.approvals.count < 4 { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(alpha.approvals.count == 4, "alpha's approvals: \(alpha.approvals)")
        // Each serves its own, once its worker ran the case.
        for business in [alpha, beta] {
            for id in business.cases {
                var answer = try await Self.get(business, "/v1/cases/\(id)", token: business.token)
                while answer.status == 404 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                    answer = try await Self.get(business, "/v1/cases/\(id)", token: business.token)
                }
                #expect(answer.status == 200 && answer.body.contains(business.marker), "\(answer.body)")
            }
        }
        let mine = try await Self.get(alpha, "/v1/approvals/\(alpha.approvals[0])", token: alpha.token)
        #expect(mine.status == 200 && mine.body.contains(alpha.marker))
        try await Self.refuses(beta, alpha)
        try await Self.refuses(alpha, beta)
        // Beta's refusals changed nothing of alpha's: its approvals still wait.
        let pending = try await Self.get(alpha, "/v1/approvals", token: alpha.token)
        #expect(pending.header("X-Total-Count") == "4")
        try await alpha.worker.stop()
        try await beta.worker.stop()
    }
}
