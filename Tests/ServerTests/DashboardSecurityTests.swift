import BatonTestSupport
import Blueprint
import Foundation
import GRDB
import Orchestrator
import Synchronization
import Testing

@testable import Server

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The dashboard's edge over real HTTP on loopback: the sign-in's CSRF token and per-address
/// backoff, Secure cookies behind https, revocable tokens and purged sessions, and 10,000 pending
/// approvals paged and approved as a filtered set.
@Suite(.serialized)
struct DashboardSecurityTests {
    /// A session that keeps no cookies: each request carries exactly the cookie the test gives it.
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration, delegate: DashboardTests.NoRedirects(), delegateQueue: nil)
    }()

    typealias Answer = DashboardTests.Answer

    static func call(
        _ url: URL, form: [String: String]? = nil, cookie: String? = nil, headers: [String: String] = [:],
        bearer: String? = nil
    ) async throws -> Answer {
        var request = URLRequest(url: url)
        if let form {
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(
                form.sorted { $0.key < $1.key }.map {
                    "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                }.joined(separator: "&").utf8)
        }
        if let cookie { request.setValue(cookie, forHTTPHeaderField: "Cookie") }
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)".lowercased()] = "\(value)" }
        return Answer(status: http.statusCode, text: String(decoding: data, as: UTF8.self), headers: fields)
    }

    /// The sign-in form's CSRF pair: its cookie (`name=value`) and its hidden field.
    static func loginForm(_ base: URL) async throws -> (cookie: String, csrf: String, setCookie: String) {
        let form = try await call(base.appendingPathComponent("login"))
        let setCookie = try #require(form.headers["set-cookie"])
        let csrf = String(try #require(form.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
        return (String(setCookie.split(separator: ";")[0]), csrf, setCookie)
    }

    static func signIn(_ base: URL, token: String, headers: [String: String] = [:]) async throws -> Answer {
        let form = try await loginForm(base)
        return try await call(
            base.appendingPathComponent("login"), form: ["csrf": form.csrf, "token": token], cookie: form.cookie,
            headers: headers)
    }

    static func cookie(_ answer: Answer) throws -> String {
        String(try #require(answer.headers["set-cookie"]).split(separator: ";")[0])
    }

    final class Clock: Sendable {
        let now = Mutex(IntakeTests.now)
        func advance(_ seconds: TimeInterval) { now.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// A store with `pending` generated approvals (inserted as the engine would leave them) and a
    /// token, served on loopback.
    static func withServer(
        publicURL: String? = nil, pending: Int = 0, clock: Clock = Clock(),
        signIn: SignInThrottle.Policy = .init(), _ body: (URL, RuntimeStore, String, String) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "baton-dashboard-security-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try RuntimeStore(folder: folder, clock: { clock.now.withLock { $0 } })
        if pending > 0 { try insertPending(pending, folder: folder, at: IntakeTests.now) }
        let token = try await DashboardTokens.make(in: store, label: "owner")
        var settings = IntakeSettings(port: 0, acceptedTypes: [])
        settings.publicURL = publicURL
        let port = Mutex(0)
        let app = IntakeServer(store: store, settings: settings, signIn: signIn).application { running in
            port.withLock { $0 = running }
        }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await body(URL(string: "http://127.0.0.1:\(port.withLock { $0 })")!, store, token, folder)
    }

    static let kinds: [(action: String, agent: String)] = [
        ("email.send", "scheduler"), ("email.send", "follow_up"), ("crm.update", "lead_qualifier"),
        ("calendar.book", "scheduler"),
    ]

    /// Inserts `count` pending approvals, their kinds in turn from ``kinds``, through a connection of
    /// the test's own.
    static func insertPending(_ count: Int, folder: String, at: Date) throws {
        let queue = try DatabaseQueue(path: folder + "/runtime.sqlite")
        try queue.write { db in
            for n in 0..<count {
                let kind = kinds[n % kinds.count]
                try db.execute(
                    sql: """
                        INSERT INTO approval (case_id, agent, action, proposed_json, reason, status, created_at, evidence_json)
                        VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
                        """,
                    arguments: [
                        "lead-\(n)", kind.agent, kind.action,
                        #"{"to":"lead\#(n)@example.com","subject":"Your plumbing request","body":"Hello, we can come on Tuesday at 9:00 or Wednesday at 14:00. Which suits you?"}"#,
                        n % 3 == 0 ? "first reply with available times" : "follow-up after two days", at,
                        #"{"intake":{"name":"Lead \#(n)","city":"Calgary"},"lead_qualifier":{"score":"80"}}"#,
                    ])
            }
        }
    }

    // MARK: The sign-in form's CSRF token

    @Test func aSignInWithoutTheFormsCSRFTokenOrFromAnotherSiteIsRefused() async throws {
        try await Self.withServer { base, store, token, _ in
            let login = base.appendingPathComponent("login")
            let form = try await Self.loginForm(base)
            #expect(form.setCookie.contains("HttpOnly") && form.setCookie.contains("SameSite=Strict"))
            // A cross-site form has neither the cookie nor the field: the right token does not sign it in.
            #expect(try await Self.call(login, form: ["token": token]).status == 403)
            #expect(try await Self.call(login, form: ["token": token], cookie: form.cookie).status == 403)
            #expect(try await Self.call(login, form: ["token": token, "csrf": form.csrf]).status == 403)
            // Another form's field with this cookie, this field with another form's cookie.
            let other = try await Self.loginForm(base)
            #expect(
                try await Self.call(login, form: ["token": token, "csrf": other.csrf], cookie: form.cookie).status
                    == 403)
            // Generated and hostile fields.
            var random = SystemRandomNumberGenerator()
            for n in 0..<60 {
                let forged: String
                switch n % 4 {
                case 0: forged = String(form.csrf.dropLast()) + (form.csrf.hasSuffix("0") ? "1" : "0")
                case 1: forged = form.cookie.split(separator: "=")[1].description  // the nonce itself
                case 2:
                    forged = (0..<Int.random(in: 0...80, using: &random)).map { _ in "0123456789abcdef".randomElement()!
                    }.map(String.init).joined()
                default: forged = HostileText.hostile[n % HostileText.hostile.count] + form.csrf
                }
                let answer = try await Self.call(login, form: ["token": token, "csrf": forged], cookie: form.cookie)
                #expect(answer.status == 403, "forged CSRF field \(forged.debugDescription)")
            }
            // A post naming another site in Origin (or Referer) is refused even with the right pair.
            for headers in [
                ["Origin": "https://evil.example"], ["Origin": "http://127.0.0.1:1"],
                ["Referer": "https://evil.example/phish"],
            ] {
                let fresh = try await Self.loginForm(base)
                let answer = try await Self.call(
                    login, form: ["token": token, "csrf": fresh.csrf], cookie: fresh.cookie, headers: headers)
                #expect(answer.status == 403, "\(headers)")
            }
            #expect(try DashboardAccess(store: store).sessionCount() == 0, "nothing signed in")
            // This site's own origin, no origin, or `Origin: null` (privacy settings send it): signed in.
            for headers in [["Origin": base.absoluteString], [:], ["Origin": "null"]] {
                #expect(try await Self.signIn(base, token: token, headers: headers).status == 303, "\(headers)")
            }
        }
    }

    // MARK: The per-address backoff

    /// One request from a chosen loopback source address (Linux routes all of 127/8 to lo), on a
    /// thread of its own: blocking sockets never run on the cooperative pool.
    static func send(from source: String, port: Int, _ request: String) async throws -> LoopbackHTTP.Response {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try Self.sendBlocking(from: source, port: port, request) })
            }.start()
        }
    }

    static func sendBlocking(from source: String, port: Int, _ request: String) throws -> LoopbackHTTP.Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackHTTP.Failure("socket(): errno \(errno)") }
        defer { close(fd) }
        var limit = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        func address(_ host: String, _ port: Int) -> sockaddr_in {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr(host)
            return address
        }
        var local = address(source, 0)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw LoopbackHTTP.Failure("bind \(source): errno \(errno)") }
        var remote = address("127.0.0.1", port)
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw LoopbackHTTP.Failure("connect: errno \(errno)") }
        let bytes = Array(request.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw LoopbackHTTP.Failure("write: errno \(errno)") }
            written += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            received += buffer[0..<n]
            if let answer = LoopbackHTTP.parse(received) { return answer }
        }
        guard let answer = LoopbackHTTP.parse(received, atEnd: true) else {
            throw LoopbackHTTP.Failure("no complete answer")
        }
        return answer
    }

    /// A sign-in from `source`: the form, then the post with `token`.
    static func signIn(from source: String, port: Int, token: String) async throws -> LoopbackHTTP.Response {
        let form = try await send(
            from: source, port: port, "GET /login HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
        let cookie = String(try #require(form.header("Set-Cookie")?.split(separator: ";").first))
        let csrf = String(try #require(form.body.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
        let body = "csrf=\(csrf)&token=\(token)"
        return try await send(
            from: source, port: port,
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nCookie: \(cookie)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        )
    }

    @Test func wrongTokensFromOneAddressMeetA429ThatARightTokenWaitsOutTooAndOthersDoNot() async throws {
        try await Self.withServer(signIn: .init(firstDelay: 60)) { base, _, token, _ in
            let port = base.port!
            let attacker = "127.0.0.1"
            // The free failures: each a plain 401.
            for _ in 0..<SignInThrottle.Policy().freeFailures {
                #expect(try await Self.signIn(from: attacker, port: port, token: "guess").status == 401)
            }
            // One more shuts the address out; from then on every sign-in from it is 429 (the wait
            // here is a minute, so no slow machine serves it before the checks below).
            #expect(try await Self.signIn(from: attacker, port: port, token: "guess").status == 401)
            let refused = try await Self.signIn(from: attacker, port: port, token: "guess")
            #expect(refused.status == 429)
            let wait = try #require(refused.header("Retry-After").flatMap(Int.init))
            #expect(wait >= 50 && wait <= 60)
            let right = try await Self.signIn(from: attacker, port: port, token: token)
            #expect(right.status == 429, "the right token waits out the backoff too")
            #expect(right.header("Set-Cookie")?.contains("baton_session") != true)
            // Another address is not held up by it.
            #expect(try await Self.signIn(from: "127.0.0.2", port: port, token: token).status == 303)
            #expect(try await Self.signIn(from: "127.0.0.3", port: port, token: "guess").status == 401)
            let again = try await Self.signIn(from: attacker, port: port, token: "guess")
            #expect(again.status == 429)
        }
    }

    // MARK: Secure cookies behind https

    @Test(
        arguments: [
            (nil, false), ("http://baton.example.com", false), ("https://baton.example.com", true),
            ("HTTPS://baton.example.com:8443/", true),
        ] as [(String?, Bool)])
    func cookiesAreSecureExactlyWhenTheDashboardIsReachedOverHTTPS(publicURL: String?, secure: Bool) async throws {
        try await Self.withServer(publicURL: publicURL) { base, _, token, _ in
            let form = try await Self.loginForm(base)
            #expect(form.setCookie.contains("; Secure") == secure, "\(form.setCookie)")
            // Behind the proxy the browser names the public origin, and the proxy sends Host: 127.0.0.1.
            let origin = publicURL.flatMap { URL(string: $0) }.map {
                "\($0.scheme!.lowercased())://\($0.host!)\($0.port.map { ":\($0)" } ?? "")"
            }
            let signIn = try await Self.call(
                base.appendingPathComponent("login"), form: ["csrf": form.csrf, "token": token], cookie: form.cookie,
                headers: origin.map { ["Origin": $0] } ?? [:])
            #expect(signIn.status == 303)
            let setCookie = try #require(signIn.headers["set-cookie"])
            #expect(setCookie.hasPrefix("baton_session=") && setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("; Secure") == secure, "\(setCookie)")
            let cookie = try Self.cookie(signIn)
            let page = try await Self.call(base.appendingPathComponent("approvals"), cookie: cookie)
            let csrf = String(try #require(page.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
            let out = try await Self.call(base.appendingPathComponent("logout"), form: ["csrf": csrf], cookie: cookie)
            #expect(out.headers["set-cookie"]?.contains("; Secure") == secure)
        }
    }

    @Test func aPublicURLThatIsNotAnHTTPAddressIsRefusedAtStart() throws {
        var blueprint = try DashboardTests.plumbingBlueprint()
        blueprint.connectors.forms.kind = "intake_api"
        for (value, fine) in [
            ("https://baton.example.com", true), ("http://10.0.0.5:8080", true), ("baton.example.com", false),
            ("ftp://baton.example.com", false), ("https//baton.example.com", false), ("https://", false),
        ] {
            blueprint.connectors.forms.settings["public_url"] = .string(value)
            let settings = try? IntakeSettings.from(blueprint, listen: "127.0.0.1:0", environment: [:])
            #expect((settings != nil) == fine, "\(value)")
            if fine { #expect(settings?.publicURL == value) }
        }
    }

    // MARK: Tokens and sessions

    @Test func aRevokedTokenSignsNobodyInAndEndsItsSessionsAndItsAPIUse() async throws {
        try await Self.withServer { base, store, token, _ in
            let access = DashboardAccess(store: store)
            let other = try await DashboardTokens.make(in: store, label: "Sam")
            let phone = try Self.cookie(try await Self.signIn(base, token: token))
            let laptop = try Self.cookie(try await Self.signIn(base, token: token))
            let sam = try Self.cookie(try await Self.signIn(base, token: other))
            #expect(try await Self.call(base.appendingPathComponent("v1/approvals"), bearer: token).status == 200)
            let listed = try access.tokens()
            #expect(listed.map(\.label) == ["owner", "Sam"])
            #expect(listed[0].sessions == 2 && listed[0].lastUsedAt != nil)

            try access.revokeToken(id: listed[0].id)
            for cookie in [phone, laptop] {
                let page = try await Self.call(base.appendingPathComponent("approvals"), cookie: cookie)
                #expect(page.status == 303 && page.headers["location"] == "/login")
            }
            #expect(try await Self.call(base.appendingPathComponent("v1/approvals"), bearer: token).status == 401)
            #expect(try await Self.signIn(base, token: token).status == 401)
            // The other token's session and API use go on.
            #expect(try await Self.call(base.appendingPathComponent("approvals"), cookie: sam).status == 200)
            #expect(try await Self.call(base.appendingPathComponent("v1/approvals"), bearer: other).status == 200)
        }
    }

    @Test func signingOutEndsTheSessionWhereverItsCookieIsAndEverywhereEndsAllOfTheTokens() async throws {
        try await Self.withServer { base, store, token, _ in
            let other = try await DashboardTokens.make(in: store)
            let first = try Self.cookie(try await Self.signIn(base, token: token))
            let second = try Self.cookie(try await Self.signIn(base, token: token))
            let third = try Self.cookie(try await Self.signIn(base, token: token))
            let sam = try Self.cookie(try await Self.signIn(base, token: other))
            func csrf(_ cookie: String) async throws -> String {
                let page = try await Self.call(base.appendingPathComponent("approvals"), cookie: cookie)
                return String(try #require(page.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
            }
            // Signing out ends that session, for any copy of its cookie.
            let out = try await Self.call(
                base.appendingPathComponent("logout"), form: ["csrf": try await csrf(first)], cookie: first)
            #expect(out.status == 303 && out.headers["set-cookie"]?.contains("Max-Age=0") == true)
            #expect(try await Self.call(base.appendingPathComponent("approvals"), cookie: first).status == 303)
            #expect(try await Self.call(base.appendingPathComponent("approvals"), cookie: second).status == 200)
            // Everywhere: every session of the token, not another token's.
            #expect(
                try await Self.call(
                    base.appendingPathComponent("logout"), form: ["csrf": try await csrf(second), "everywhere": "1"],
                    cookie: second
                ).status == 303)
            #expect(try await Self.call(base.appendingPathComponent("approvals"), cookie: second).status == 303)
            #expect(try await Self.call(base.appendingPathComponent("approvals"), cookie: third).status == 303)
            #expect(try await Self.call(base.appendingPathComponent("approvals"), cookie: sam).status == 200)
        }
    }

    @Test func expiredSessionsAreRefusedAndPurgedAtTheNextSignIn() async throws {
        let clock = Clock()
        try await Self.withServer(clock: clock) { base, store, token, _ in
            var cookies: [String] = []
            for _ in 0..<4 { cookies.append(try Self.cookie(try await Self.signIn(base, token: token))) }
            #expect(try DashboardAccess(store: store).sessionCount() == 4)
            clock.advance(12 * 3600 + 1)
            for cookie in cookies {
                #expect(try await Self.call(base.appendingPathComponent("approvals"), cookie: cookie).status == 303)
            }
            let fresh = try Self.cookie(try await Self.signIn(base, token: token))
            #expect(try DashboardAccess(store: store).sessionCount() == 1, "the expired ones are gone")
            #expect(try await Self.call(base.appendingPathComponent("approvals"), cookie: fresh).status == 200)
        }
    }

    // MARK: 10,000 pending approvals

    /// The approval ids on a dashboard page, in order.
    static func ids(_ page: String) -> [Int64] {
        page.matches(of: /<section class="approval" id="approval-(\d+)">/).map { Int64($0.1)! }
    }

    @Test func tenThousandPendingApprovalsArePagedBoundedAndWalkedExactlyOnce() async throws {
        let count = 10_000
        try await Self.withServer(pending: count) { base, store, token, _ in
            let cookie = try Self.cookie(try await Self.signIn(base, token: token))
            let first = try await Self.call(base.appendingPathComponent("approvals"), cookie: cookie)
            #expect(first.status == 200)
            #expect(Self.ids(first.text).count == Dashboard.pageSize)
            #expect(Self.ids(first.text) == Array((Int64(count - 49)...Int64(count)).reversed()), "newest first")
            #expect(first.text.contains("<strong>\(count) pending</strong>"))
            // Bounded by the page, not the backlog: 50 approvals' worth (each under 3 KB here).
            #expect(first.text.utf8.count < 50 * 3 * 1024, "\(first.text.utf8.count) bytes")

            // Older, older…: every pending approval exactly once, newest first.
            var seen = Self.ids(first.text)
            var page = first
            var pages = 1
            while let next = page.text.firstMatch(of: /<a href="\/approvals\?(after=\d+)" rel="next">/)?.1 {
                page = try await Self.call(URL(string: "\(base.absoluteString)/approvals?\(next)")!, cookie: cookie)
                #expect(page.status == 200 && page.text.utf8.count < 50 * 3 * 1024)
                seen += Self.ids(page.text)
                pages += 1
                if pages > count { break }
            }
            #expect(pages == count / Dashboard.pageSize)
            #expect(seen == Array((1...Int64(count)).reversed()))

            // The API, 500 at a time by its Link header, the total in X-Total-Count.
            var apiSeen: [Int64] = []
            var url: URL? = URL(string: "\(base.absoluteString)/v1/approvals?limit=100000")
            while let next = url {
                let answer = try await Self.call(next, bearer: token)
                #expect(answer.status == 200 && answer.headers["x-total-count"] == "\(count)")
                let rows = try #require(
                    try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [[String: Any]])
                #expect(rows.count <= Approvals.largestPage)
                apiSeen += rows.map { ($0["id"] as! NSNumber).int64Value }
                url = answer.headers["link"].flatMap { $0.firstMatch(of: /<([^>]+)>; rel="next"/)?.1 }
                    .map { URL(string: base.absoluteString + $0)! }
            }
            #expect(apiSeen == Array((1...Int64(count)).reversed()))
            #expect(
                try await Self.call(URL(string: "\(base.absoluteString)/v1/approvals?limit=0")!, bearer: token).status
                    == 400)
            #expect(
                try await Self.call(URL(string: "\(base.absoluteString)/v1/approvals?after=x")!, bearer: token).status
                    == 400)
            _ = store
        }
    }

    @Test func approvingAFilteredSetApprovesExactlyItAfterAConfirmationWithTheEvidence() async throws {
        let count = 10_000
        try await Self.withServer(pending: count) { base, store, token, folder in
            let cookie = try Self.cookie(try await Self.signIn(base, token: token))
            // The filter: one action kind by one agent.
            let filtered = try await Self.call(
                URL(string: "\(base.absoluteString)/approvals?action=email.send&agent=scheduler")!, cookie: cookie)
            let selected = count / Self.kinds.count
            #expect(filtered.text.contains("<strong>\(selected) pending</strong> (email.send by scheduler)"))
            #expect(Self.ids(filtered.text).count == Dashboard.pageSize)
            #expect(filtered.text.contains("href=\"/approvals/bulk?action=email.send&amp;agent=scheduler\""))

            let confirm = try await Self.call(
                URL(string: "\(base.absoluteString)/approvals/bulk?action=email.send&agent=scheduler")!, cookie: cookie)
            #expect(confirm.status == 200)
            #expect(confirm.text.contains("Approve all \(selected) pending (email.send by scheduler)?"))
            #expect(confirm.text.contains("× first reply with available times"))
            #expect(confirm.text.contains("lead_qualifier: \(selected) of \(selected)"))
            #expect(confirm.text.contains("Evidence it used"), "the newest, shown as the dashboard shows them")
            #expect(confirm.text.utf8.count < 64 * 1024)
            let csrf = String(try #require(confirm.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1))
            let through = String(try #require(confirm.text.firstMatch(of: /name="through" value="(\d+)"/)?.1))

            // Arriving after the confirmation was shown: it stays waiting.
            try Self.insertPending(Self.kinds.count, folder: folder, at: IntakeTests.now)
            let form = ["action": "email.send", "agent": "scheduler", "through": through]
            #expect(
                try await Self.call(base.appendingPathComponent("approvals/bulk"), form: form, cookie: cookie).status
                    == 403, "no CSRF token")
            var withCSRF = form
            withCSRF["csrf"] = csrf
            let done = try await Self.call(
                base.appendingPathComponent("approvals/bulk"), form: withCSRF, cookie: cookie)
            #expect(done.status == 200 && done.text.contains("Approved \(selected) (email.send by scheduler)"))

            let all = try store.approvals()
            let approved = all.filter { $0.status == .approved }
            #expect(approved.count == selected)
            #expect(
                approved.allSatisfy {
                    $0.action == "email.send" && $0.agent == "scheduler" && $0.id! <= Int64(through)!
                })
            #expect(all.filter { $0.status == .pending }.count == count - selected + Self.kinds.count)
            #expect(try store.outbox().count == selected)
            // Without a filter there is no approving everything at once.
            withCSRF["action"] = ""
            withCSRF["agent"] = ""
            #expect(
                try await Self.call(base.appendingPathComponent("approvals/bulk"), form: withCSRF, cookie: cookie)
                    .status
                    == 400)
        }
    }
}
