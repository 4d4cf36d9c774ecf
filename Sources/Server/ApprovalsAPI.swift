import Foundation
import HTTPTypes
import Hummingbird
import Orchestrator

/// The JSON API for approvals and cases, for other tools: `Authorization: Bearer TOKEN` with a
/// token from `baton approvals token` (no cookies, so no CSRF).
///
/// - `GET /v1/approvals`: the pending ones; `GET /v1/approvals/ID`: one.
/// - `POST /v1/approvals/ID/approve` (`{"body": "…"}` to edit), `…/reject` (`{"reason": "…"}`),
///   `…/override` (`{"instructions": "…"}`).
/// - `GET /v1/cases/ID`: the timeline (each step's notes) and the shared context.
struct ApprovalsAPI: Sendable {
    let store: RuntimeStore

    func routes(_ router: Router<BasicRequestContext>) {
        router.get("/v1/approvals") { request, _ in
            try await self.authorized(request) {
                Self.json(.ok, try await Approvals(store: self.store).pendingAsync().map(Self.approval))
            }
        }
        router.get("/v1/approvals/:id") { request, context in
            try await self.authorized(request) {
                guard let id = context.parameters.get("id").flatMap(Int64.init) else {
                    return Self.error(.notFound, "no such approval")
                }
                do {
                    return Self.json(.ok, Self.approval(try await Approvals(store: self.store).getAsync(id)))
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
                let approvals = Approvals(store: self.store)
                do {
                    switch context.parameters.get("decision") {
                    case "approve": try await approvals.approveAsync(id, edited: fields["body"].map { ["body": $0] })
                    case "reject":
                        guard let reason = fields["reason"], !reason.isEmpty else {
                            return Self.error(.unprocessableContent, "'reason' is required", field: "reason")
                        }
                        try await approvals.rejectAsync(id, reason: reason)
                    case "override":
                        guard let instructions = fields["instructions"], !instructions.isEmpty else {
                            return Self.error(
                                .unprocessableContent, "'instructions' is required", field: "instructions")
                        }
                        try await approvals.overrideAsync(id, instructions: instructions)
                    default: return Self.error(.notFound, "decisions: approve, reject, override")
                    }
                } catch let error as RuntimeError {
                    return Self.error(.conflict, error.description)
                }
                return Self.json(.ok, Self.approval(try await approvals.getAsync(id)))
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

    private func authorized(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            try await DashboardAccess(store: store).knowsToken(hash: Dashboard.hash(String(header.dropFirst(7))))
        else {
            var response = Self.error(
                .unauthorized, "send Authorization: Bearer TOKEN (make one with `baton approvals token`)")
            response.headers[.wwwAuthenticate] = "Bearer realm=\"baton\""
            return response
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
