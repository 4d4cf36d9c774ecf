import Foundation
import HTTPTypes
import Hummingbird
import Orchestrator
import Synchronization

/// The JSON API for approvals and cases, for other tools: `Authorization: Bearer TOKEN` with a
/// token from `baton approvals token` (no cookies, so no CSRF).
///
/// - `GET /v1/approvals`: the pending ones, newest first, a page at a time (`limit`, `after`,
///   `action`, `agent`; see ``list(_:)``); `GET /v1/approvals/ID`: one.
/// - `POST /v1/approvals/ID/approve` (`{"body": "…"}` to edit), `…/reject` (`{"reason": "…"}`),
///   `…/override` (`{"instructions": "…"}`).
/// - `GET /v1/cases/ID`: the timeline (each step's notes) and the shared context.
struct ApprovalsAPI: Sendable {
    let store: any RuntimeStorage
    /// When each token's use was last noted.
    let usage = TokenUsage()

    func routes(_ router: Router<IntakeRequestContext>) {
        router.get("/v1/approvals") { request, _ in
            try await self.authorized(request) { try await self.list(request) }
        }
        router.get("/v1/approvals/:id") { request, context in
            try await self.authorized(request) {
                guard let id = context.parameters.get("id").flatMap(Int64.init) else {
                    return Self.error(.notFound, "no such approval")
                }
                do {
                    return Self.json(.ok, Self.approval(try await self.store.approval(id)))
                } catch let error
                    as RuntimeError
                {
                    return Self.error(.notFound, error.description)
                }
            }
        }
        router.post("/v1/approvals/:id/:decision") { request, context in
            let body = try await request.body.collect(upTo: 64 * 1024)
            return try await self.authorized(request) {
                guard let id = context.parameters.get("id").flatMap(Int64.init) else {
                    return Self.error(.notFound, "no such approval")
                }
                let data = Data(buffer: body)
                guard data.isEmpty || (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
                    return Self.error(.badRequest, "the body is not a JSON object")
                }
                let object =
                    data.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
                let known: Set<String> = ["body", "reason", "instructions"]
                if let unknown = object.keys.first(where: { !known.contains($0) }) {
                    return Self.error(.unprocessableContent, "unknown field '\(unknown)'", field: unknown)
                }
                if let wrong = object.first(where: { !($0.value is String) })?.key {
                    return Self.error(.unprocessableContent, "'\(wrong)' must be a string", field: wrong)
                }
                let fields = object.compactMapValues { $0 as? String }
                do {
                    switch context.parameters.get("decision") {
                    case "approve": try await self.store.approve(id, edited: fields["body"].map { ["body": $0] })
                    case "reject":
                        guard let reason = fields["reason"], !reason.isEmpty else {
                            return Self.error(.unprocessableContent, "'reason' is required", field: "reason")
                        }
                        try await self.store.reject(id, reason: reason)
                    case "override":
                        guard let instructions = fields["instructions"], !instructions.isEmpty else {
                            return Self.error(
                                .unprocessableContent, "'instructions' is required", field: "instructions")
                        }
                        try await self.store.override(id, instructions: instructions)
                    default: return Self.error(.notFound, "decisions: approve, reject, override")
                    }
                } catch let error as RuntimeError {
                    return Self.error(.conflict, error.description)
                }
                return Self.json(.ok, Self.approval(try await self.store.approval(id)))
            }
        }
        router.get("/v1/cases/:id") { request, context in
            try await self.authorized(request) {
                let id = context.parameters.get("id") ?? ""
                let audit = try await self.store.auditAsync(caseID: id)
                guard !audit.isEmpty else { return Self.error(.notFound, "no case \(id)") }
                let formatter = ISO8601DateFormatter()
                let timeline: [[String: Any]] = audit.map { entry in
                    var line: [String: Any] = [
                        "at": formatter.string(from: entry.at), "kind": entry.kind.rawValue, "detail": entry.detail,
                        "agent": entry.agent ?? NSNull(),
                    ]
                    if entry.notesJSON != nil { line["notes"] = entry.notes }
                    return line
                }
                return Self.json(
                    .ok,
                    ["case": id, "timeline": timeline, "context": try await self.store.contextAsync(caseID: id).notes])
            }
        }
    }

    /// A page of pending approvals, newest first: `limit` (default 100, at most 500), `after` (the
    /// last id of the previous page), `action` and `agent` to narrow it. The body stays a JSON array;
    /// `X-Total-Count` says how many the filter selects and `Link: <…>; rel="next"` where the next
    /// page is, on every page but the last.
    private func list(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var limit = Self.defaultLimit
        if let text = query.get("limit") {
            guard let asked = Int(text), asked >= 1 else {
                return Self.error(.badRequest, "'limit' must be a whole number from 1", field: "limit")
            }
            limit = min(asked, Approvals.largestPage)
        }
        var after: Int64?
        if let text = query.get("after") {
            guard let cursor = Int64(text) else {
                return Self.error(.badRequest, "'after' must be an approval id", field: "after")
            }
            after = cursor
        }
        let filter = Dashboard.filter(query.get("action"), query.get("agent"))
        let page = try await store.pendingApprovals(filter, after: after, limit: limit)
        var response = Self.json(.ok, page.approvals.map(Self.approval))
        response.headers[HTTPField.Name("X-Total-Count")!] = "\(page.total)"
        if let next = page.next {
            var items = [URLQueryItem(name: "limit", value: "\(limit)"), URLQueryItem(name: "after", value: "\(next)")]
            if let action = filter.action { items.append(URLQueryItem(name: "action", value: action.rawValue)) }
            if let agent = filter.agent { items.append(URLQueryItem(name: "agent", value: agent)) }
            var components = URLComponents()
            components.path = "/v1/approvals"
            components.queryItems = items
            response.headers[HTTPField.Name("Link")!] = "<\(components.string ?? "/v1/approvals")>; rel=\"next\""
        }
        return response
    }

    /// Approvals per page when the request does not say.
    static let defaultLimit = 100

    private func authorized(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            let tokenID = try await store.dashboardTokenID(hash: Dashboard.hash(String(header.dropFirst(7))))
        else {
            var response = Self.error(
                .unauthorized, "send Authorization: Bearer TOKEN (make one with `baton approvals token`)")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"baton\""
            return response
        }
        if usage.due(tokenID) {
            // Noted on the side, at most once a minute per token: the answer never waits for a write.
            Task { [store] in try? await store.touchDashboardToken(id: tokenID) }
        }
        return try await body()
    }

    static func approval(_ a: ApprovalRecord) -> [String: Any] {
        [
            "id": a.id ?? 0, "case": a.caseID, "agent": a.agent, "action": a.action.rawValue, "reason": a.reason,
            "status": a.status.rawValue, "proposed": (try? Approvals.payload(a.proposedJSON)) ?? [:],
            "evidence": a.evidence, "decision": a.decision ?? NSNull(), "revises": a.revises ?? NSNull(),
            "reminded": a.remindedAt.map { ["to": a.remindedTo ?? "", "at": ISO8601DateFormatter().string(from: $0)] }
                ?? NSNull(),
            "escalated": a.escalatedAt.map {
                ["to": a.escalatedTo ?? "", "at": ISO8601DateFormatter().string(from: $0)]
            } ?? NSNull(),
        ]
    }

    static func json(_ status: HTTPResponse.Status, _ object: Any) -> Response {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String, field: String? = nil) -> Response {
        json(status, field.map { ["error": message, "field": $0] } ?? ["error": message])
    }
}

/// When each token's use was last noted (`baton approvals token --list` shows it): at most once a
/// minute per token, so a busy API client does not write on every call.
final class TokenUsage: Sendable {
    private let noted = Mutex<[Int64: ContinuousClock.Instant]>([:])

    /// True (and noted) when token `id`'s use was not noted in the last minute.
    func due(_ id: Int64) -> Bool {
        let now = ContinuousClock.now
        return noted.withLock { noted in
            if let last = noted[id], now - last < .seconds(60) { return false }
            if noted.count > 10_000 { noted.removeAll() }
            noted[id] = now
            return true
        }
    }
}
