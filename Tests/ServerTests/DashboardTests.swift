import BatonTestSupport
import Blueprint
import Foundation
import Orchestrator
import Spawning
import Synchronization
import Testing

@testable import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The approvals dashboard over real HTTP on loopback: sign-in, CSRF, deciding, the email leaving.
@Suite(.serialized)
struct DashboardTests {
    /// The plumbing example's golden blueprint, the one the dashboard tests add their rules to.
    static func plumbingBlueprint() throws -> Blueprint {
        try BlueprintFile.load(
            path: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("BlueprintTests/Golden/plumbing-contractor.blueprint.yaml").path)
    }

    /// Does not follow redirects, so a 303 and its Set-Cookie can be read.
    final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    static let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)

    struct Answer {
        let status: Int
        let text: String
        let headers: [String: String]
    }

    static func call(_ url: URL, form: [String: String]? = nil, cookie: String? = nil) async throws -> Answer {
        var request = URLRequest(url: url)
        if let form {
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(
                form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                    .joined(separator: "&").utf8)
        }
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers["\(key)".lowercased()] = "\(value)" }
        return Answer(status: http.statusCode, text: String(decoding: data, as: UTF8.self), headers: headers)
    }

    /// A runtime whose first reply to a lead waits for the owner, with one lead in; the dashboard served.
    static func withDashboard(_ body: (URL, RuntimeStore, Dispatcher, String) async throws -> Void) async throws {
        try await withDashboard(inFolder: { base, store, dispatcher, token, _ in
            try await body(base, store, dispatcher, token)
        })
    }

    /// The same, with the data folder too (for a test that opens the database beside the server).
    static func withDashboard(
        inFolder body: (URL, RuntimeStore, Dispatcher, String, String) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "baton-dashboard-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder, clock: { IntakeTests.now })
        var blueprint = try Self.plumbingBlueprint()
        blueprint.approvals.append(
            ApprovalRule(
                action: "email.send", when: "first_contact", approver: "owner",
                timeout: Timeout(after: "4h", then: "remind")))
        try store.submit(
            type: "lead.received", caseID: "lead-1",
            payload: [
                "name": "Dana <b>Lee</b>", "email": "dana@example.com", "budget": "4000", "city": "Calgary",
                "timeline": "asap",
            ],
            producer: "intake")
        try await Engine(blueprint: blueprint, store: store).runUntilIdle()
        let dispatcher = Dispatcher(
            store: store, blueprint: blueprint, emailFolder: folder + "/outbox", from: "office@example.com")
        let token = try await DashboardTokens.make(in: store)
        let port = Mutex(0)
        let app = IntakeServer(
            store: store, settings: IntakeSettings(port: 0, acceptedTypes: []), reportsFolder: folder + "/reports"
        )
        .application { running in port.withLock { $0 = running } }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await body(URL(string: "http://127.0.0.1:\(port.withLock { $0 })")!, store, dispatcher, token, folder)
    }

    @Test func signInSeeTheEvidenceApproveAndTheEmailLeaves() async throws {
        try await Self.withDashboard { base, store, dispatcher, token in
            // Not signed in: sent to the sign-in page.
            let anonymous = try await Self.call(base.appendingPathComponent("approvals"))
            #expect(anonymous.status == 303 && anonymous.headers["location"] == "/login")
            #expect(try await Self.signIn(base, token: "wrong").status == 401)
            let signIn = try await Self.signIn(base, token: token)
            #expect(signIn.status == 303)
            let setCookie = try #require(signIn.headers["set-cookie"])
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
            let cookie = String(setCookie.split(separator: ";")[0])

            let page = try await Self.call(base.appendingPathComponent("approvals"), cookie: cookie)
            #expect(page.status == 200)
            #expect(page.text.contains("#1: scheduler wants email.send"))
            #expect(page.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers["cache-control"] == "no-store")
            #expect(page.text.contains("<strong>Why:</strong> first reply with available times"))
            #expect(page.text.contains("Evidence it used"))
            #expect(page.text.contains("Dana &lt;b&gt;Lee&lt;/b&gt;"))  // the lead's text, escaped
            #expect(!page.text.contains("<b>Lee</b>"))
            let csrf = try #require(page.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)

            // A post without the CSRF token (or with another) is refused, and nothing changes.
            let forged = try await Self.call(
                base.appendingPathComponent("approvals/1/approve"), form: [:], cookie: cookie)
            #expect(forged.status == 403)
            let wrong = try await Self.call(
                base.appendingPathComponent("approvals/1/approve"), form: ["csrf": "00"], cookie: cookie)
            #expect(wrong.status == 403)
            #expect(try Approvals(store: store).pending().count == 1)

            // One click: approved, and the dispatcher sends it.
            let approve = try await Self.call(
                base.appendingPathComponent("approvals/1/approve"), form: ["csrf": String(csrf)], cookie: cookie)
            #expect(approve.status == 303 && approve.headers["location"] == "/approvals")
            #expect(try Approvals(store: store).get(1).status == .approved)
            try await dispatcher.dispatch()
            let sent = try store.outbox().first { $0.idempotencyKey == "approval-1" }
            #expect(sent?.status == .sent)
            #expect(
                try store.audit(caseID: "lead-1").contains { $0.kind == "sent" && $0.detail.contains("approval-1") })

            // The case timeline, then signing out ends the session.
            let timeline = try await Self.call(base.appendingPathComponent("cases/lead-1"), cookie: cookie)
            #expect(timeline.text.contains("approved") && timeline.text.contains("email.send #1"))
            #expect(
                try await Self.call(base.appendingPathComponent("logout"), form: ["csrf": String(csrf)], cookie: cookie)
                    .status == 303)
            #expect(try await Self.call(base.appendingPathComponent("approvals"), cookie: cookie).status == 303)
        }
    }

    @Test func rejectNeedsAReasonAndOverrideSendsItBack() async throws {
        try await Self.withDashboard { base, store, _, token in
            let signIn = try await Self.signIn(base, token: token)
            let cookie = String(try #require(signIn.headers["set-cookie"]).split(separator: ";")[0])
            let page = try await Self.call(base.appendingPathComponent("approvals"), cookie: cookie)
            let csrf = String(try #require(page.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
            let empty = try await Self.call(
                base.appendingPathComponent("approvals/1/reject"), form: ["csrf": csrf, "reason": ""], cookie: cookie)
            #expect(empty.status == 400)
            let back = try await Self.call(
                base.appendingPathComponent("approvals/1/override"),
                form: ["csrf": csrf, "instructions": "say: Parking is at the back."],
                cookie: cookie)
            #expect(back.status == 303)
            #expect(try Approvals(store: store).get(1).status == .overridden)
            #expect(try store.events().last?.type == Engine.overrideEvent)
        }
    }

    @Test func inARealBrowserSignInSeeTheEvidenceAndApproveInOneClick() async throws {
        try await Self.withDashboard { base, store, dispatcher, token in
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            let screenshot = root.appendingPathComponent(".build/dashboard-screenshot.png").path
            try? FileManager.default.removeItem(atPath: screenshot)
            let process = ChildProcess()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3",
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                    "Peers/dashboard_browser.py"
                ).path,
                base.absoluteString, token, screenshot,
            ]
            // The browser's complaints go to a file, read only when it fails (a pipe could fill up).
            let log = URL(fileURLWithPath: screenshot + ".log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let output = Pipe()
            process.standardOutput = .pipe(output)
            process.standardError = .file(try FileHandle(forWritingTo: log))
            try process.run()
            // Waited for on a thread of its own: the dashboard the browser talks to needs the pool's.
            let data = try await onThread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return data
            }
            try #require(
                process.terminationStatus == 0,
                "the browser run failed: \((try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? "")")
            let seen = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(seen["redirected_to_login"] as? Bool == true)
            #expect(seen["after_sign_in"] as? String == "/approvals")
            #expect(seen["heading"] as? String == "#1: scheduler wants email.send")
            #expect((seen["why"] as? String)?.contains("first reply with available times") == true)
            #expect((seen["evidence"] as? String)?.contains("dana@example.com") == true)
            #expect((seen["after_approve"] as? String)?.contains("Nothing waits for you.") == true)
            #expect(FileManager.default.fileExists(atPath: screenshot))
            // The approved email leaves with the next dispatch.
            #expect(try await dispatcher.dispatch() >= 1)
            #expect(try store.outbox().first { $0.idempotencyKey == "approval-1" }?.status == .sent)
        }
    }

    @Test func theJSONAPIListsDecidesAndShowsCasesWithABearerToken() async throws {
        try await Self.withDashboard { base, store, _, token in
            func call(_ path: String, _ body: String? = nil, token: String?) async throws -> (Int, Any) {
                var request = URLRequest(url: base.appendingPathComponent(path))
                if let body {
                    request.httpMethod = "POST"
                    request.httpBody = Data(body.utf8)
                }
                if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
                let (data, response) = try await URLSession.shared.data(for: request)
                return ((response as! HTTPURLResponse).statusCode, try JSONSerialization.jsonObject(with: data))
            }
            #expect(try await call("v1/approvals", token: nil).0 == 401)
            #expect(try await call("v1/approvals", token: "guess").0 == 401)
            let (status, list) = try await call("v1/approvals", token: token)
            #expect(status == 200)
            let first = try #require((list as? [[String: Any]])?.first)
            #expect(first["action"] as? String == "email.send" && first["agent"] as? String == "scheduler")
            #expect((first["proposed"] as? [String: String])?["to"] == "dana@example.com")
            #expect((first["evidence"] as? [String: [String: String]])?["lead_qualifier"]?["score"] == "100")
            #expect(try await call("v1/approvals/1/reject", "{}", token: token).0 == 422)
            // An edit that cannot be read approves nothing.
            #expect(try await call("v1/approvals/1/approve", #"{"body": 5}"#, token: token).0 == 422)
            #expect(try await call("v1/approvals/1/approve", #"{"body": "x", "tone": "warm"}"#, token: token).0 == 422)
            #expect(try await call("v1/approvals/1/approve", #"{"body": "#, token: token).0 == 400)
            #expect(try Approvals(store: store).get(1).status == .pending)
            let (decided, approval) = try await call(
                "v1/approvals/1/approve", #"{"body": "Edited by the owner."}"#, token: token)
            #expect(decided == 200 && (approval as? [String: Any])?["status"] as? String == "approved")
            #expect(
                try store.outbox().first { $0.idempotencyKey == "approval-1" }?.payloadJSON.contains(
                    "Edited by the owner.") == true)
            #expect(try await call("v1/approvals/1/approve", "{}", token: token).0 == 409)  // already decided
            let (found, thread) = try await call("v1/cases/lead-1", token: token)
            #expect(found == 200)
            let timeline = try #require((thread as? [String: Any])?["timeline"] as? [[String: Any]])
            #expect(timeline.contains { $0["kind"] as? String == "approved" })
            #expect(try await call("v1/cases/nobody", token: token).0 == 404)
        }
    }
}
