import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Orchestrator

/// The approvals dashboard: server-rendered HTML that works without JavaScript and on a phone.
/// Sign in with a token from `baton approvals token` (a cookie session); every form carries the
/// session's CSRF token, and a post without it is refused. Pending approvals show what the agent
/// recommends, why and the evidence; approve in one click, reject with a reason, approve an edited
/// body, or send back with instructions. Also a case's timeline and the latest daily report.
struct Dashboard: Sendable {
    let store: RuntimeStore
    /// Where `baton run` writes the daily reports.
    let reportsFolder: String?

    static let cookie = "baton_session"

    func routes(_ router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Self.redirect("/approvals") }
        router.get("/login") { _, _ in Self.page("Sign in", Self.loginForm(nil)) }
        router.post("/login") { request, _ in try await self.signIn(request) }
        router.post("/logout") { request, _ in
            try await self.withSession(request, form: true) { session, _, _ in
                try await DashboardAccess(store: self.store).closeSession(id: session)
                var response = Self.redirect("/login")
                response.headers[.setCookie] = "\(Self.cookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
                return response
            }
        }
        router.get("/approvals") { request, _ in
            try await self.withSession(request, form: false) { _, csrf, _ in
                Self.page("Approvals", try await self.approvals(csrf))
            }
        }
        router.post("/approvals/:id/:decision") { request, context in
            try await self.withSession(request, form: true) { _, _, form in try await self.decide(context, form) }
        }
        router.get("/cases/:id") { request, context in
            try await self.withSession(request, form: false) { _, _, _ in
                Self.page("Case", try await self.timeline(context.parameters.get("id") ?? ""))
            }
        }
        router.get("/reports/latest") { request, _ in
            try await self.withSession(request, form: false) { _, _, _ in Self.page("Daily report", self.latestReport())
            }
        }
    }

    // MARK: Sign-in and sessions

    private func signIn(_ request: Request) async throws -> Response {
        let form = try await Self.form(request)
        let token = form["token"] ?? ""
        guard !token.isEmpty, try await DashboardAccess(store: store).knowsToken(hash: Self.hash(token)) else {
            return Self.page(
                "Sign in", Self.loginForm("That token is not valid. Make one with `baton approvals token`."),
                status: .unauthorized)
        }
        let session = Self.random()
        try await DashboardAccess(store: store).openSession(id: session, csrf: Self.random())
        var response = Self.redirect("/approvals")
        response.headers[.setCookie] = "\(Self.cookie)=\(session); Path=/; HttpOnly; SameSite=Strict"
        return response
    }

    /// Runs `body` (session, CSRF token, form fields) for a signed-in request; a form post must
    /// carry the session's CSRF token.
    private func withSession(
        _ request: Request, form: Bool, _ body: (String, String, [String: String]) async throws -> Response
    ) async throws -> Response {
        let cookies = (request.headers[.cookie] ?? "").split(separator: ";").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard let session = cookies.first(where: { $0.hasPrefix("\(Self.cookie)=") })?.dropFirst(Self.cookie.count + 1),
            let csrf = try await DashboardAccess(store: store).csrf(session: String(session))
        else { return Self.redirect("/login") }
        var fields: [String: String] = [:]
        if form {
            fields = try await Self.form(request)
            guard let sent = fields["csrf"], IntakeServer.same(sent, csrf) else {
                return Self.page(
                    "Refused",
                    "<p>This form is out of date or did not come from this dashboard (no valid CSRF token). Go back to <a href=\"/approvals\">the approvals</a> and try again.</p>",
                    status: .forbidden)
            }
        }
        return try await body(String(session), csrf, fields)
    }

    // MARK: Pages

    private func approvals(_ csrf: String) async throws -> String {
        let pending = try await Approvals(store: store).pendingAsync()
        var html =
            "<p class=\"bar\"><a href=\"/reports/latest\">Latest daily report</a> "
            + "<form method=\"post\" action=\"/logout\" class=\"inline\">\(Self.csrfField(csrf))<button>Sign out</button></form></p>"
        guard !pending.isEmpty else { return html + "<p>Nothing waits for you.</p>" }
        for approval in pending {
            let id = approval.id!
            let proposed = (try? Approvals.payload(approval.proposedJSON)) ?? [:]
            html +=
                "<section class=\"approval\" id=\"approval-\(id)\"><h2>#\(id): \(Self.escape(approval.agent)) wants \(Self.escape(approval.action.rawValue))</h2>"
            html += "<p class=\"why\"><strong>Why:</strong> \(Self.escape(approval.reason))</p>"
            html += "<p>Case <a href=\"/cases/\(Self.escape(approval.caseID))\">\(Self.escape(approval.caseID))</a></p>"
            if let remindedAt = approval.remindedAt {
                // What its timeout did: who was reminded, and to whom it was escalated.
                var waited =
                    "Waiting too long: reminded \(Self.escape(approval.remindedTo ?? "?")) at \(Self.stamp(remindedAt))"
                if let escalatedAt = approval.escalatedAt {
                    waited += "; escalated to \(Self.escape(approval.escalatedTo ?? "?")) at \(Self.stamp(escalatedAt))"
                }
                html += "<p class=\"overdue\">\(waited)</p>"
            }
            html += "<h3>What it would do</h3><dl>"
            for key in proposed.keys.sorted() {
                html += "<dt>\(Self.escape(key))</dt><dd><pre>\(Self.escape(proposed[key]!))</pre></dd>"
            }
            html += "</dl>"
            if !approval.evidence.isEmpty {
                html += "<h3>Evidence it used</h3><dl class=\"evidence\">"
                for source in approval.evidence.keys.sorted() {
                    let notes = approval.evidence[source]!.sorted { $0.key < $1.key }
                        .map { "\(Self.escape($0.key)) = \(Self.escape($0.value))" }.joined(separator: "<br>")
                    html += "<dt>\(Self.escape(source))</dt><dd>\(notes)</dd>"
                }
                html += "</dl>"
            }
            let action = "/approvals/\(id)"
            html +=
                "<form method=\"post\" action=\"\(action)/approve\">\(Self.csrfField(csrf))<button class=\"approve\">Approve</button></form>"
            if let body = proposed["body"] {
                html +=
                    "<form method=\"post\" action=\"\(action)/approve\">\(Self.csrfField(csrf))<label>Edit the message, then approve<textarea name=\"body\" rows=\"8\">\(Self.escape(body))</textarea></label><button>Approve as edited</button></form>"
            }
            html +=
                "<form method=\"post\" action=\"\(action)/reject\">\(Self.csrfField(csrf))<label>Reason<input name=\"reason\" required></label><button class=\"reject\">Reject</button></form>"
            html +=
                "<form method=\"post\" action=\"\(action)/override\">\(Self.csrfField(csrf))<label>Instructions for the agent<input name=\"instructions\" required placeholder=\"offer thursday morning; say: …\"></label><button>Send back</button></form>"
            html += "</section>"
        }
        return html
    }

    private func decide(_ context: BasicRequestContext, _ form: [String: String]) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(Int64.init),
            let decision = context.parameters.get("decision")
        else { return Self.page("Not found", "<p>No such approval.</p>", status: .notFound) }
        let approvals = Approvals(store: store)
        do {
            switch decision {
            case "approve": try await approvals.approveAsync(id, edited: form["body"].map { ["body": $0] })
            case "reject":
                guard let reason = form["reason"], !reason.isEmpty else {
                    return Self.page("Reason needed", "<p>Say why you reject it.</p>", status: .badRequest)
                }
                try await approvals.rejectAsync(id, reason: reason)
            case "override":
                guard let instructions = form["instructions"], !instructions.isEmpty else {
                    return Self.page(
                        "Instructions needed", "<p>Say what the agent should do differently.</p>", status: .badRequest)
                }
                try await approvals.overrideAsync(id, instructions: instructions)
            default: return Self.page("Not found", "<p>No such decision.</p>", status: .notFound)
            }
        } catch let error as RuntimeError {
            return Self.page("Cannot do that", "<p>\(Self.escape(error.description))</p>", status: .conflict)
        }
        return Self.redirect("/approvals")
    }

    private func timeline(_ caseID: String) async throws -> String {
        let audit = try await store.auditAsync(caseID: caseID)
        guard !audit.isEmpty else { return "<p>No case \(Self.escape(caseID)).</p>" }
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
            let name = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.filter({ $0.hasSuffix(".md") })
                .sorted().last,
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

    static func loginForm(_ problem: String?) -> String {
        (problem.map { "<p class=\"problem\">\(escape($0))</p>" } ?? "")
            + "<form method=\"post\" action=\"/login\"><label>Token<input name=\"token\" type=\"password\" autocomplete=\"off\" required></label><button>Sign in</button></form>"
            + "<p>Make a token on the machine that runs Baton: <code>baton approvals token</code>.</p>"
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Baton</title>
            <style>
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
            </style></head>
            <body><h1>\(escape(title))</h1>
            \(body)
            </body></html>
            """
        // No scripts, no framing (clickjacking), nothing cached of a page that shows customers' details.
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy:
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                .cacheControl: "no-store", HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// Sign-in tokens for the dashboard.
public enum DashboardTokens {
    /// Makes a new token, keeps only its hash, and returns it (shown once).
    public static func make(in store: RuntimeStore) throws -> String {
        let token = Dashboard.random()
        try DashboardAccess(store: store).addToken(hash: Dashboard.hash(token))
        return token
    }
}
