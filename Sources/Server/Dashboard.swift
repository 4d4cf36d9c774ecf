import Blueprint
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Orchestrator

/// The approvals dashboard: server-rendered HTML that works without JavaScript and on a phone.
/// Sign in with a token from `baton approvals token` (a cookie session): the sign-in form carries a
/// CSRF token of its own, and wrong tokens from one address meet a growing wait (429,
/// ``SignInThrottle``). Every form of a session carries its CSRF token, and a post without it, or
/// from another site, is refused. Pending approvals are listed 50 a page, newest first, and may be
/// narrowed to one action kind or agent and approved all at once after a confirmation. Pending approvals show what the agent
/// recommends, why and the evidence; approve in one click, reject with a reason, approve an edited
/// body, or send back with instructions. Also a case's timeline and the latest daily report.
struct Dashboard: Sendable {
    let store: any RuntimeStorage
    /// Where `baton run` writes the daily reports.
    let reportsFolder: String?
    /// Where people reach the dashboard (`connectors.forms.settings.public_url` or `--public-url`):
    /// its cookies are `Secure` when this is `https://…`, and a form posted from this origin is
    /// accepted even when a proxy in front rewrites the `Host` header.
    let publicURL: URL?
    /// The sign-in's backoff per address.
    let limiter: SignInLimiter
    /// Signs the sign-in form's CSRF token (made anew at each start: a form from before a restart
    /// is refused, and the person signs in again).
    let loginKey: [UInt8] = (0..<32).map { _ in UInt8.random(in: 0...255) }

    static let cookie = "baton_session"
    /// The sign-in form's cookie: a random nonce, whose HMAC is the form's CSRF token.
    static let loginCookie = "baton_login"
    /// Pending approvals per page.
    static let pageSize = 50

    init(
        store: any RuntimeStorage, reportsFolder: String?, publicURL: String? = nil, limiter: SignInLimiter = SignInLimiter()
    ) {
        self.store = store
        self.reportsFolder = reportsFolder
        self.publicURL = publicURL.flatMap { URL(string: $0) }
        self.limiter = limiter
    }

    func routes(_ router: Router<IntakeRequestContext>) {
        router.get("/") { _, _ in Self.redirect("/approvals") }
        router.get("/login") { _, _ in self.loginPage(nil) }
        router.post("/login") { request, context in try await self.signIn(request, context) }
        router.post("/logout") { request, _ in
            try await self.withSession(request, form: true) { session, form in
                if form["everywhere"] == "1" {
                    try await self.store.closeDashboardSessions(token: session.tokenID)
                } else {
                    try await self.store.closeDashboardSession(id: session.id)
                }
                var response = Self.redirect("/login")
                response.headers[.setCookie] = self.setCookie(Self.cookie, "", maxAge: 0)
                return response
            }
        }
        router.get("/approvals") { request, _ in
            try await self.withSession(request, form: false) { session, _ in
                Self.page("Approvals", try await self.approvals(request, csrf: session.csrf))
            }
        }
        router.get("/approvals/bulk") { request, _ in
            try await self.withSession(request, form: false) { session, _ in
                try await self.confirmBulk(request, csrf: session.csrf)
            }
        }
        router.post("/approvals/bulk") { request, _ in
            try await self.withSession(request, form: true) { _, form in try await self.approveBulk(form) }
        }
        router.post("/approvals/:id/:decision") { request, context in
            try await self.withSession(request, form: true) { _, form in try await self.decide(context, form) }
        }
        router.get("/cases/:id") { request, context in
            try await self.withSession(request, form: false) { _, _ in
                let id = context.parameters.get("id") ?? ""
                // A case of no one here (another business's, in a shared database) is not found.
                guard let timeline = try await self.timeline(id) else {
                    return Self.page("Not found", "<p>No case \(Self.escape(id)).</p>", status: .notFound)
                }
                return Self.page("Case", timeline)
            }
        }
        router.get("/reports/latest") { request, _ in
            try await self.withSession(request, form: false) { _, _ in Self.page("Daily report", self.latestReport()) }
        }
    }

    // MARK: Sign-in and sessions

    /// The sign-in page with a fresh CSRF pair: a nonce in a cookie of its own, its HMAC in the form.
    private func loginPage(_ problem: String?, status: HTTPResponse.Status = .ok) -> Response {
        let nonce = Self.random()
        var response = Self.page("Sign in", Self.loginForm(problem, csrf: loginCSRF(nonce)), status: status)
        response.headers[.setCookie] = setCookie(Self.loginCookie, nonce, path: "/login", maxAge: 3600)
        return response
    }

    /// The sign-in form's CSRF token for a nonce.
    func loginCSRF(_ nonce: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(nonce.utf8), using: SymmetricKey(data: loginKey)).map {
            String(format: "%02x", $0)
        }
        .joined()
    }

    /// Checked in order: the address's backoff (a right token is refused too while it lasts), where
    /// the form was posted from, the form's CSRF token, then the token itself.
    private func signIn(_ request: Request, _ context: IntakeRequestContext) async throws -> Response {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        if case .wait(let seconds) = limiter.check(address) {
            var response = Self.page(
                "Too many tries",
                "<p>Too many wrong tokens came from your address. Try again in \(seconds) s.</p>",
                status: .tooManyRequests)
            response.headers[.retryAfter] = "\(seconds)"
            return response
        }
        if let foreign = foreignOrigin(request) {
            return Self.page(
                "Refused", "<p>A sign-in posted from \(Self.escape(foreign)) is not accepted here.</p>",
                status: .forbidden)
        }
        let form = try await Self.form(request)
        guard let nonce = Self.cookies(request)[Self.loginCookie], let sent = form["csrf"],
            IntakeServer.same(sent, loginCSRF(nonce))
        else {
            return loginPage(
                "This sign-in form is out of date or did not come from this dashboard: sign in again below.",
                status: .forbidden)
        }
        let token = form["token"] ?? ""
        guard !token.isEmpty, let tokenID = try await store.dashboardTokenID(hash: Self.hash(token)) else {
            limiter.failed(address)
            return loginPage("That token is not valid. Make one with `baton approvals token`.", status: .unauthorized)
        }
        limiter.succeeded(address)
        let session = Self.random()
        do {
            try await store.openDashboardSession(id: session, csrf: Self.random(), token: tokenID, hours: 12)
        } catch is RuntimeError {
            return loginPage("That token was revoked.", status: .unauthorized)
        }
        var response = Self.redirect("/approvals")
        response.headers[.setCookie] = setCookie(Self.cookie, session)
        return response
    }

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, and Secure when the dashboard is reached
    /// over https (``publicURL``).
    func setCookie(_ name: String, _ value: String, path: String = "/", maxAge: Int? = nil) -> String {
        var cookie = "\(name)=\(value); Path=\(path); HttpOnly; SameSite=Strict"
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        if publicURL?.scheme?.lowercased() == "https" { cookie += "; Secure" }
        return cookie
    }

    /// The site a form post names in `Origin` (or, without one, `Referer`) when that is another site
    /// than this dashboard's (the request's `Host`, or ``publicURL``); nil when it is this one or
    /// names none (`Origin: null` is sent for privacy reasons too: the CSRF token decides then).
    func foreignOrigin(_ request: Request) -> String? {
        let origin = request.headers[.origin].flatMap { $0 == "null" ? nil : $0 }
        guard let claimed = origin ?? request.headers[.referer] else { return nil }
        guard let url = URL(string: claimed), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
        else { return claimed }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        if let publicURL, publicURL.scheme?.lowercased() == scheme, publicURL.host?.lowercased() == host,
            (publicURL.port ?? (scheme == "https" ? 443 : 80)) == port
        {
            return nil
        }
        if let authority = request.head.authority?.lowercased(),
            let served = URL(string: "\(scheme)://\(authority)"), served.host?.lowercased() == host,
            (served.port ?? (scheme == "https" ? 443 : 80)) == port
        {
            return nil
        }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
    }

    /// Runs `body` (the session, the form's fields) for a signed-in request; a form post must come
    /// from this site (when it says) and carry the session's CSRF token.
    private func withSession(
        _ request: Request, form: Bool,
        _ body: ((id: String, csrf: String, tokenID: Int64), [String: String]) async throws -> Response
    ) async throws -> Response {
        guard let id = Self.cookies(request)[Self.cookie], !id.isEmpty,
            let session = try await store.dashboardSession(id: id)
        else { return Self.redirect("/login") }
        var fields: [String: String] = [:]
        if form {
            fields = try await Self.form(request)
            guard foreignOrigin(request) == nil, let sent = fields["csrf"], IntakeServer.same(sent, session.csrf) else {
                return Self.page(
                    "Refused",
                    "<p>This form is out of date or did not come from this dashboard (no valid CSRF token). Go back to <a href=\"/approvals\">the approvals</a> and try again.</p>",
                    status: .forbidden)
            }
        }
        return try await body((id, session.csrf, session.tokenID), fields)
    }

    // MARK: Pages

    /// Pending approvals, newest first, ``pageSize`` a page (`?after=ID` for the next), narrowed by
    /// `?action=` and `?agent=`.
    private func approvals(_ request: Request, csrf: String) async throws -> String {
        let filter = Self.filter(request.uri.queryParameters.get("action"), request.uri.queryParameters.get("agent"))
        let after = request.uri.queryParameters.get("after").flatMap(Int64.init)
        let page = try await store.pendingApprovals(filter, after: after, limit: Self.pageSize)
        var html =
            "<p class=\"bar\"><a href=\"/reports/latest\">Latest daily report</a> "
            + "<span><form method=\"post\" action=\"/logout\" class=\"inline\">\(Self.csrfField(csrf))<button>Sign out</button></form> "
            + "<form method=\"post\" action=\"/logout\" class=\"inline\">\(Self.csrfField(csrf))<input type=\"hidden\" name=\"everywhere\" value=\"1\"><button>Sign out everywhere</button></form></span></p>"
        html += Self.filterForm(try await store.pendingApprovalKinds(), filter)
        let shown = page.approvals.count
        html += "<p class=\"count\"><strong>\(page.total) pending</strong>\(Self.describe(filter))"
        if page.total > shown && shown > 0 { html += "; showing \(shown), newest first" }
        html += "</p>"
        html += Self.deferredSection(try await store.deferredActions())
        for bad in page.unreadable { html += "<p class=\"overdue\">Left out: \(Self.escape(bad.description))</p>" }
        if !filter.isEmpty && page.total > 1 {
            html +=
                "<p><a href=\"/approvals/bulk?\(Self.query(filter))\">Approve all \(page.total) of these at once…</a> (you confirm first)</p>"
        }
        guard !page.approvals.isEmpty else { return html + "<p>Nothing waits for you.</p>" }
        for approval in page.approvals { html += Self.section(approval, csrf: csrf) }
        var links: [String] = []
        if after != nil { links.append("<a href=\"/approvals?\(Self.query(filter))\">Newest</a>") }
        if let next = page.next {
            links.append("<a href=\"/approvals?\(Self.query(filter, after: next))\" rel=\"next\">Older</a>")
        }
        if !links.isEmpty { html += "<p class=\"pages\">\(links.joined(separator: " · "))</p>" }
        return html
    }

    /// One pending approval as the dashboard shows it: what, why, what it would do, the evidence,
    /// and (given a CSRF token) the forms that decide it.
    static func section(_ approval: ApprovalRecord, csrf: String?) -> String {
        let id = approval.id ?? 0
        let proposed = (try? Approvals.payload(approval.proposedJSON)) ?? [:]
        var html =
            "<section class=\"approval\" id=\"approval-\(id)\"><h2>#\(id): \(escape(approval.agent)) wants \(escape(approval.action.rawValue))</h2>"
        html += "<p class=\"why\"><strong>Why:</strong> \(escape(approval.reason))</p>"
        html += "<p>Case <a href=\"/cases/\(escape(approval.caseID))\">\(escape(approval.caseID))</a></p>"
        if let remindedAt = approval.remindedAt {
            // What its timeout did: who was reminded, and to whom it was escalated.
            var waited = "Waiting too long: reminded \(escape(approval.remindedTo ?? "?")) at \(stamp(remindedAt))"
            if let escalatedAt = approval.escalatedAt {
                waited += "; escalated to \(escape(approval.escalatedTo ?? "?")) at \(stamp(escalatedAt))"
            }
            html += "<p class=\"overdue\">\(waited)</p>"
        }
        html += "<h3>What it would do</h3><dl>"
        for key in proposed.keys.sorted() {
            html += "<dt>\(escape(key))</dt><dd><pre>\(escape(proposed[key]!))</pre></dd>"
        }
        html += "</dl>"
        if !approval.evidence.isEmpty {
            html += "<h3>Evidence it used</h3><dl class=\"evidence\">"
            for source in approval.evidence.keys.sorted() {
                let notes = approval.evidence[source]!.sorted { $0.key < $1.key }
                    .map { "\(escape($0.key)) = \(escape($0.value))" }.joined(separator: "<br>")
                html += "<dt>\(escape(source))</dt><dd>\(notes)</dd>"
            }
            html += "</dl>"
        }
        if let csrf {
            let action = "/approvals/\(id)"
            html +=
                "<form method=\"post\" action=\"\(action)/approve\">\(csrfField(csrf))<button class=\"approve\">Approve</button></form>"
            if let body = proposed["body"] {
                html +=
                    "<form method=\"post\" action=\"\(action)/approve\">\(csrfField(csrf))<label>Edit the message, then approve<textarea name=\"body\" rows=\"8\">\(escape(body))</textarea></label><button>Approve as edited</button></form>"
            }
            html +=
                "<form method=\"post\" action=\"\(action)/reject\">\(csrfField(csrf))<label>Reason<input name=\"reason\" required></label><button class=\"reject\">Reject</button></form>"
            html +=
                "<form method=\"post\" action=\"\(action)/override\">\(csrfField(csrf))<label>Instructions for the agent<input name=\"instructions\" required placeholder=\"offer thursday morning; say: …\"></label><button>Send back</button></form>"
        }
        return html + "</section>"
    }

    /// Approving every approval a filter selects, confirmed first: how many, what they say and the
    /// evidence they used (summed up, and the newest few in full), up to the newest one now.
    private func confirmBulk(_ request: Request, csrf: String) async throws -> Response {
        let filter = Self.filter(request.uri.queryParameters.get("action"), request.uri.queryParameters.get("agent"))
        guard !filter.isEmpty else { return Self.redirect("/approvals") }
        guard let through = try await store.newestPendingApproval(filter) else {
            return Self.page(
                "Approve all", "<p>Nothing waits\(Self.describe(filter)).</p><p><a href=\"/approvals\">Back</a></p>")
        }
        let summary = try await store.pendingApprovalSummary(filter)
        let sample = try await store.pendingApprovals(filter, after: nil, limit: 5)
        var html = "<p class=\"count\"><strong>Approve all \(summary.count) pending\(Self.describe(filter))?</strong> "
        html +=
            "Each is queued as if approved one by one, unedited; one that arrives after this page stays waiting.</p>"
        html += "<h3>Why, as the agents said</h3><ul>"
        for (reason, count) in summary.reasons { html += "<li>\(count) × \(Self.escape(reason))</li>" }
        if summary.otherReasons > 0 { html += "<li>\(summary.otherReasons) with other reasons</li>" }
        html += "</ul><h3>Evidence they used</h3><ul>"
        for (source, count) in summary.evidence {
            html += "<li>\(Self.escape(source)): \(count) of \(summary.count)</li>"
        }
        if summary.evidence.isEmpty { html += "<li>none</li>" }
        html += "</ul>"
        html +=
            "<form method=\"post\" action=\"/approvals/bulk\">\(Self.csrfField(csrf))"
            + (filter.action.map { "<input type=\"hidden\" name=\"action\" value=\"\(Self.escape($0.rawValue))\">" }
                ?? "")
            + (filter.agent.map { "<input type=\"hidden\" name=\"agent\" value=\"\(Self.escape($0))\">" } ?? "")
            + "<input type=\"hidden\" name=\"through\" value=\"\(through)\">"
            + "<button class=\"approve\">Approve all \(summary.count)</button></form>"
            + "<p><a href=\"/approvals?\(Self.query(filter))\">Cancel</a></p>"
        html += "<h3>The newest \(sample.approvals.count), as the dashboard shows them</h3>"
        for approval in sample.approvals { html += Self.section(approval, csrf: nil) }
        return Self.page("Approve all", html)
    }

    private func approveBulk(_ form: [String: String]) async throws -> Response {
        let filter = Self.filter(form["action"], form["agent"])
        guard !filter.isEmpty, let through = form["through"].flatMap(Int64.init) else {
            return Self.page(
                "Filter needed", "<p>Approving at once needs an action kind or an agent.</p>", status: .badRequest)
        }
        let approved = try await store.approveAll(filter, through: through)
        return Self.page(
            "Approved",
            "<p>Approved \(approved)\(Self.describe(filter)); they leave with the next dispatch.</p><p><a href=\"/approvals\">Back to the approvals</a></p>"
        )
    }

    private func decide(_ context: IntakeRequestContext, _ form: [String: String]) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init),
            let decision = context.parameters.get("decision")
        else { return Self.page("Not found", "<p>No such approval.</p>", status: .notFound) }
        do {
            switch decision {
            case "approve": try await store.approve(id, edited: form["body"].map { ["body": $0] })
            case "reject":
                guard let reason = form["reason"], !reason.isEmpty else {
                    return Self.page("Reason needed", "<p>Say why you reject it.</p>", status: .badRequest)
                }
                try await store.reject(id, reason: reason)
            case "override":
                guard let instructions = form["instructions"], !instructions.isEmpty else {
                    return Self.page(
                        "Instructions needed", "<p>Say what the agent should do differently.</p>", status: .badRequest)
                }
                try await store.override(id, instructions: instructions)
            default: return Self.page("Not found", "<p>No such decision.</p>", status: .notFound)
            }
        } catch let error as RuntimeError {
            return Self.page("Cannot do that", "<p>\(Self.escape(error.description))</p>", status: .conflict)
        }
        return Self.redirect("/approvals")
    }

    private func timeline(_ caseID: String) async throws -> String? {
        let audit = try await store.auditAsync(caseID: caseID)
        guard !audit.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        var html = "<h2>Case \(Self.escape(caseID))</h2><ol class=\"timeline\">"
        for entry in audit {
            html +=
                "<li><time>\(formatter.string(from: entry.at))</time> <b>\(Self.escape(entry.kind.rawValue))</b> \(Self.escape(entry.agent ?? "-")): \(Self.escape(entry.detail))"
            let added = entry.notes.filter { $0.key != "summary" }.sorted { $0.key < $1.key }
            if !added.isEmpty {
                html +=
                    "<br><small>+ "
                    + added.map { "\(Self.escape($0.key))=\(Self.escape($0.value))" }.joined(separator: "; ")
                    + "</small>"
            }
            html += "</li>"
        }
        return html + "</ol><p><a href=\"/approvals\">Back to the approvals</a></p>"
    }

    private func latestReport() -> String {
        guard let folder = reportsFolder,
            // The newest daily report (`weekly-*.md` would sort after every one of them).
            let name = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter({
                $0.hasPrefix("daily-") && $0.hasSuffix(".md")
            }).sorted().last,
            let text = try? String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
        else { return "<p>No daily report yet.</p>" }
        return "<h2>\(Self.escape(name))</h2><pre class=\"report\">\(Self.escape(text))</pre>"
    }

    // MARK: Helpers

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if let name = parts.first { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    /// The request's cookies by name (the first of a name wins).
    static func cookies(_ request: Request) -> [String: String] {
        var cookies: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, cookies[parts[0]] == nil { cookies[parts[0]] = parts[1] }
            }
        }
        return cookies
    }

    /// The filter named by `action` and `agent` (a query's or a form's; empty means any).
    static func filter(_ action: String?, _ agent: String?) -> ApprovalFilter {
        ApprovalFilter(
            action: action.flatMap { $0.isEmpty ? nil : ActionKind(rawValue: $0) },
            agent: agent.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// A query string for the filter (and a cursor), percent-encoded.
    static func query(_ filter: ApprovalFilter, after: Int64? = nil) -> String {
        var parts: [String] = []
        func encoded(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? ""
        }
        if let action = filter.action { parts.append("action=\(encoded(action.rawValue))") }
        if let agent = filter.agent { parts.append("agent=\(encoded(agent))") }
        if let after { parts.append("after=\(after)") }
        return escape(parts.joined(separator: "&"))
    }

    /// ` (email.send by scheduler)`, or nothing for no filter.
    static func describe(_ filter: ApprovalFilter) -> String {
        switch (filter.action, filter.agent) {
        case (nil, nil): return ""
        case (let action?, nil): return " (\(escape(action.rawValue)))"
        case (nil, let agent?): return " (by \(escape(agent)))"
        case (let action?, let agent?): return " (\(escape(action.rawValue)) by \(escape(agent)))"
        }
    }

    /// A GET form narrowing the list to one action kind and/or agent, from what waits.
    static func filterForm(_ kinds: [PendingKind], _ filter: ApprovalFilter) -> String {
        guard !kinds.isEmpty || !filter.isEmpty else { return "" }
        func options(_ values: [(String, Int)], selected: String?) -> String {
            "<option value=\"\">any</option>"
                + values.prefix(100).map {
                    "<option value=\"\(escape($0.0))\"\($0.0 == selected ? " selected" : "")>\(escape($0.0)) (\($0.1))</option>"
                }.joined()
        }
        let actions = Dictionary(grouping: kinds, by: { $0.action.rawValue }).map {
            ($0.key, $0.value.reduce(0) { $0 + $1.count })
        }
        .sorted { $0.0 < $1.0 }
        let agents = Dictionary(grouping: kinds, by: { $0.agent }).map {
            ($0.key, $0.value.reduce(0) { $0 + $1.count })
        }
        .sorted { $0.0 < $1.0 }
        return "<form method=\"get\" action=\"/approvals\" class=\"filter\"><label>Action<select name=\"action\">"
            + options(actions, selected: filter.action?.rawValue)
            + "</select></label><label>Agent<select name=\"agent\">" + options(agents, selected: filter.agent)
            + "</select></label><button>Show</button></form>"
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func random() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    static func csrfField(_ csrf: String) -> String { "<input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">" }

    /// A time on the page, as the case timeline shows it.
    static func stamp(_ date: Date) -> String {
        "<time>\(ISO8601DateFormatter().string(from: date))</time>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    static func loginForm(_ problem: String?, csrf: String) -> String {
        (problem.map { "<p class=\"problem\">\(escape($0))</p>" } ?? "")
            + "<form method=\"post\" action=\"/login\">\(csrfField(csrf))<label>Token<input name=\"token\" type=\"password\" autocomplete=\"off\" required></label><button>Sign in</button></form>"
            + "<p>Make a token on the machine that runs Baton: <code>baton approvals token</code>.</p>"
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok) -> Response {
        // Same-origin: nothing leaks to other sites, and this dashboard's own posts carry its Origin.
        HTMLPage.response(
            title: title, head: "<title>\(escape(title)) · Baton</title>\n<style>\n\(style)</style>", body: body,
            styleSource: "'unsafe-inline'", referrerPolicy: "same-origin", status: status)
    }

    static let style = """
            body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:46rem;padding:1rem;color:#1d2330}
            h1{font-size:1.3rem}h2{font-size:1.1rem;margin:.2rem 0}h3{font-size:.95rem;margin:.8rem 0 .2rem}
            .approval{border:1px solid #c9d1dd;border-radius:8px;padding:.8rem;margin:1rem 0}
            dl{margin:0}dt{font-weight:600;font-size:.85rem;color:#4a5568}dd{margin:0 0 .4rem;overflow-wrap:anywhere}
            pre{white-space:pre-wrap;margin:0;font:inherit}form{margin:.5rem 0}form.inline{display:inline}
            label{display:block;font-size:.9rem}input,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}
            button{font:inherit;padding:.5rem 1rem;margin-top:.3rem;border-radius:6px;border:1px solid #8896ab;background:#f4f6fa}
            button.approve{background:#1f7a4d;color:#fff;border-color:#1f7a4d}button.reject{background:#fff;color:#a22}
            .problem{color:#a22}.bar{display:flex;gap:1rem;align-items:center;justify-content:space-between}
            .timeline li{margin:.3rem 0}time{color:#4a5568;font-size:.85rem}
            """
}

/// Sign-in tokens for the dashboard.
public enum DashboardTokens {
    /// Makes a new token, keeps only its hash, and returns it (shown once).
    package static func make(in storage: any OperatorStorage, label: String? = nil) async throws -> String {
        try await makeWithID(in: storage, label: label).token
    }

    /// Makes a new token labelled `label`; its id (for `--revoke`) and the token.
    package static func makeWithID(in storage: any OperatorStorage, label: String? = nil) async throws -> (
        id: Int64, token: String
    ) {
        let token = Dashboard.random()
        let id = try await storage.addDashboardToken(hash: Dashboard.hash(token), label: label)
        return (id, token)
    }
}
